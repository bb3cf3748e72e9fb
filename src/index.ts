// spark-style as a library: `import { createSparkStyle } from 'spark-style'`. See docs/library.md.
export { createSparkStyle } from './engine/client.js';
export * from './engine/errors.js';
export type * from './engine/types.js';
