import sharp from 'sharp';

/**
 * Resolves once sharp has no image queued or in hand. Preparing a photo takes real time but
 * none in a test's story: the virtual clock holds while sharp works, so a batch's other items
 * finish preparing before a retry's 1 s wait is over, as they would on a real clock. sharp
 * tells no one when it is done, so this looks again each millisecond while it works.
 */
export async function sharpIdle(): Promise<void> {
  for (;;) {
    const { queue, process } = sharp.counters();
    if (queue + process === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
