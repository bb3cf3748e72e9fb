import sharp from 'sharp';

// A CLI touches each image once: libvips' operation cache only holds memory we never reuse.
sharp.cache(false);

export { sharp };
export type { Sharp, Metadata } from 'sharp';
