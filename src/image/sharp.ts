import pLimit from 'p-limit';
import sharp from 'sharp';

// A CLI touches each image once: libvips' operation cache only holds memory we never reuse.
sharp.cache(false);

/**
 * libvips already spreads one image over every core, so decoding several at once gains
 * little and costs memory (each decode's buffers, and glibc arenas that never shrink back).
 * Batch image work queues here, one image at a time per core.
 */
export const imageWork = pLimit(Math.max(1, sharp.concurrency()));

export { sharp };
export type { Sharp, Metadata } from 'sharp';
