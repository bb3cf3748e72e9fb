import { prepareFile, type FixOptions, type PreparedImage } from '../image/prepare.js';
import type { PlannedItem } from './plan.js';

/**
 * With several styles, one photo is several items. Each photo is checked (and repaired) once,
 * and its bytes are dropped as soon as its last item has used them, so memory still follows
 * the concurrency rather than the batch.
 */
export class PreparedImageCache {
  private readonly pending = new Map<string, Promise<PreparedImage>>();
  /** Items per file that have not released it yet. */
  private readonly users = new Map<string, number>();

  constructor(
    items: readonly PlannedItem[],
    private readonly fix: FixOptions | null,
    private readonly convert = true,
  ) {
    for (const item of items) {
      if (item.source.kind === 'file') this.users.set(item.source.path, (this.users.get(item.source.path) ?? 0) + 1);
    }
  }

  /** The prepared image for a file; call release(path) once done with it. */
  acquire(path: string): Promise<PreparedImage> {
    let promise = this.pending.get(path);
    if (!promise) {
      promise = prepareFile(path, this.fix, this.convert);
      this.pending.set(path, promise);
    }
    return promise;
  }

  /** Every item of the file calls this once, whether or not it acquired the image. */
  release(path: string): void {
    const left = (this.users.get(path) ?? 1) - 1;
    this.users.set(path, left);
    if (left <= 0) this.pending.delete(path);
  }
}
