/**
 * Failure injection, so tests (and curious users) can make the emulator misbehave the way a
 * real gateway does. Counters are over the emulator's lifetime; set again to start over.
 */
export interface Faults {
  /** Every nth created task fails (1: all of them), with failCode. */
  failEvery?: number;
  failCode?: string;
  /** Creates number after+1 .. after+count answer 429 with Retry-After: retryAfterSeconds. */
  rateLimit?: { after: number; count: number; retryAfterSeconds: number };
  /** Creates number after+1 .. after+count answer this status (e.g. 503, 502), with an optional seed code. */
  createError?: { status: number; after: number; count: number; code?: string };
  /** The next count task reads answer this status. */
  readError?: { status: number; count: number };
  /** The next count creates make a task, then drop the connection without answering. */
  dropCreate?: { count: number };
  /** Creates number after+1 onwards are answered only after delayMs (a slow upload or gateway). */
  slowCreate?: { after: number; delayMs: number };
  /** Tasks stay in_progress forever. */
  neverFinish?: boolean;
  /** Creates number after+1 onwards make their task at once but answer only after delayMs (a slow gateway or uplink). */
  delayAnswer?: { after: number; delayMs: number };
  /** The next count result downloads answer 200 with an HTML page (a proxy's or captive portal's error page). */
  htmlResult?: { count: number };

  // A hostile gateway or result host (issue 12): what a client must survive without
  // unbounded memory or time, and without losing a paid result.
  /** Task reads answer a gzip bomb (10 GB inflated) or a chunked body that never ends. */
  readBomb?: 'gzip' | 'endless';
  /** Creates answer this redirect (before any task is made), pointing at `location`. */
  redirectCreate?: { status: number; location: string };
  /** Completed tasks report this as usage.cost, whatever its type ("1e308", -5, {}, []). */
  oddCost?: unknown;
  /** Failed tasks (see failEvery) and injected read errors carry this message. */
  hostileMessage?: string;
  /** Created tasks are answered (and read) under this id instead of their own. */
  hostileTaskId?: string;
  /** Result downloads answer a gzip bomb (10 GB inflated). */
  resultBomb?: boolean;
  /** Result downloads send one byte every intervalMs. */
  trickleResults?: { intervalMs: number };
  /** Completed tasks claim this many result images (the API returns one). */
  resultsPerTask?: number;
}

/** How answers are shaped. PROTOCOL.md allows several; "mixed" rotates through them per task. */
export type WireVariant = 'standard' | 'task-id' | 'string-error' | 'mixed';
