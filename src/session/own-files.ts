import { open } from 'node:fs/promises';
import { isSparkStyleResult, MARK_WINDOW } from '../image/provenance-mark.js';
import { isMarkedSheet } from '../sheet/marker.js';

/**
 * A file that is a contact sheet or a result spark-style saved (its sheet comment, its
 * provenance mark, read from the file's head): never taken as a photo, wherever it lands,
 * even under a --name template that does not look like a result.
 */
export async function isOwnFile(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(MARK_WINDOW);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const start = head.subarray(0, bytesRead);
      return isMarkedSheet(start) || (await isSparkStyleResult(handle, start, Buffer.alloc(MARK_WINDOW)));
    } finally {
      await handle.close();
    }
  } catch {
    // Unreadable or gone: the run's own image check says what is wrong (or the watch forgets it).
    return false;
  }
}
