import { watch, type FSWatcher } from 'chokidar';
import type { Clock } from '../core/clock.js';
import type { SessionAllowance, Turn } from '../session/allowance.js';
import { isOwnFile } from '../session/own-files.js';
import { whyNotAnInputByName, type NeverInputs } from './never-inputs.js';
import { waitUntilWritten, type ReadShape } from './stability.js';

/** What one batch of written photos came to, for the session's --budget and --max-tasks. */
export interface BatchOutcome {
  readonly spentMicro: number;
  readonly tasksCreated: number;
  /** Items the budget (or the task cap) held back: the watch says once that it stopped creating. */
  readonly heldBack: number;
}

/** Stylizes whole photos (never a file still being written); renders its own items. */
export type RunBatch = (paths: readonly string[], turn: Turn, signal: AbortSignal) => Promise<BatchOutcome>;

/** What the watch tells the person (the command renders it; --json makes lines of it). */
export interface WatchNotes {
  leftOut(path: string, why: string): void;
  vanished(path: string): void;
  /** Empty after the quiet period: not sent; its next change brings it back. */
  empty(path: string): void;
  /** The session's cap is reached: no more creates, collecting goes on. Said once. */
  capReached(): void;
  /** The watcher itself failed (a folder removed, too many files to watch). */
  watcherError(error: Error): void;
}

export interface FolderWatchOptions {
  readonly folders: readonly string[];
  readonly neverInputs: NeverInputs;
  readonly allowance: SessionAllowance;
  readonly runBatch: RunBatch;
  readonly notes: WatchNotes;
  readonly clock: Clock;
  /** A photo counts as whole after its size and time stayed the same this long. */
  readonly quietMs: number;
  readonly pollMs: number;
  readonly readShape?: ReadShape;
  /** Chokidar's own polling (network shares, some containers' bind mounts). */
  readonly usePolling?: boolean;
  /** Subfolders too; else only the photos directly in each folder. */
  readonly recursive?: boolean;
}

/**
 * A watched folder: every photo already there, then every one that appears, once it has stopped
 * growing, goes into the next batch. Batches run one at a time, each with what is left of the
 * session's budget; what arrives meanwhile waits for the next. The ledger under the engine is
 * what makes a restart free: done items are skipped, tasks in flight collected.
 */
export class FolderWatch {
  readonly #options: FolderWatchOptions;
  readonly #stop = new AbortController();
  /** Files waiting to stop growing, with the wait that ends when they have. */
  readonly #settling = new Map<string, Promise<void>>();
  /** The photos already there go in one first batch: no batch starts before they have settled. */
  #initialScanDone = false;
  #queued = new Set<string>();
  #watcher: FSWatcher | null = null;
  #running: Promise<void> | null = null;
  #capSaid = false;
  #idle: (() => void)[] = [];

  constructor(options: FolderWatchOptions) {
    this.#options = options;
  }

  /** Starts watching; resolves once the photos already there are found (not yet stylized). */
  async start(): Promise<void> {
    const { folders, usePolling, recursive } = this.#options;
    const watcher = watch([...folders], {
      ignoreInitial: false,
      ...(recursive ? {} : { depth: 0 }),
      usePolling: usePolling === true,
      ignored: (path, stats) => stats?.isFile() === true && whyNotAnInputByName(path, this.#options.neverInputs) !== null,
    });
    this.#watcher = watcher;
    watcher.on('add', (path) => this.#seen(path));
    watcher.on('change', (path) => this.#seen(path));
    watcher.on('error', (error) => this.#options.notes.watcherError(error as Error));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    void Promise.all(this.#settling.values()).then(() => {
      this.#initialScanDone = true;
      this.#pump();
    });
  }

  /** True while photos are settling, queued or in a batch. */
  get busy(): boolean {
    return this.#settling.size > 0 || this.#queued.size > 0 || this.#running !== null;
  }

  get waiting(): number {
    return this.#settling.size + this.#queued.size;
  }

  /** Resolves the next time nothing is settling, queued or running (tests and --once wait on it). */
  idle(): Promise<void> {
    if (!this.busy && this.#initialScanDone) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Stops: no new photo is taken, the batch in flight is aborted as Ctrl-C aborts a run
   * (creates on the wire finish and are recorded), and this resolves when it has ended.
   */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#watcher?.close();
    await this.#running;
  }

  #seen(path: string): void {
    if (this.#stop.signal.aborted || this.#settling.has(path)) return;
    const settled = this.#settle(path).finally(() => {
      this.#settling.delete(path);
      this.#pump();
    });
    this.#settling.set(path, settled);
  }

  async #settle(path: string): Promise<void> {
    const { clock, quietMs, pollMs, readShape, notes } = this.#options;
    const state = await waitUntilWritten(path, { clock, quietMs, intervalMs: pollMs, readShape, signal: this.#stop.signal }).catch(() => null);
    if (state === null) return; // stopped while waiting
    if (state === 'vanished') return notes.vanished(path);
    if (state === 'empty') return notes.empty(path);
    // Read only once whole: the provenance mark of a result is in its head and its tail.
    if (await isOwnFile(path)) return notes.leftOut(path, 'a result or contact sheet made by spark-style');
    this.#queued.add(path);
  }

  #pump(): void {
    if (this.#running !== null || this.#stop.signal.aborted || !this.#initialScanDone) return this.#maybeIdle();
    if (this.#queued.size === 0) return this.#maybeIdle();
    const batch = [...this.#queued].sort();
    this.#queued = new Set();
    this.#running = this.#runOne(batch).finally(() => {
      this.#running = null;
      this.#pump();
    });
  }

  async #runOne(paths: readonly string[]): Promise<void> {
    const turn = await this.#options.allowance.turn();
    let outcome: BatchOutcome = { spentMicro: 0, tasksCreated: 0, heldBack: 0 };
    try {
      outcome = await this.#options.runBatch(paths, turn, this.#stop.signal);
    } finally {
      turn.end(outcome);
    }
    if (outcome.heldBack > 0 && !this.#capSaid) {
      this.#capSaid = true;
      this.#options.notes.capReached();
    }
  }

  #maybeIdle(): void {
    if (this.busy || !this.#initialScanDone) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
