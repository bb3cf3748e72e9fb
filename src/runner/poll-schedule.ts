/**
 * When to read a task next. For a task this run just created, the base schedule waits a little
 * before the first read (nothing finishes at once); a task made earlier (a run resuming, a task
 * id given to `status`) is read at once, since it may long be done. Then the interval
 * grows from 1 s to 5 s. When the server reports progress, the rate of progress predicts the
 * finish, and the next read is moved up to just after it: a task that takes 10 s is seen
 * done within a few hundred ms instead of up to 5 s later.
 */
export interface PollScheduleOptions {
  readonly firstDelayMs: number;
  readonly minDelayMs: number;
  readonly initialIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly growth: number;
  /** How long after the predicted finish we read. */
  readonly finishMarginMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollScheduleOptions = {
  firstDelayMs: 700,
  minDelayMs: 250,
  initialIntervalMs: 1000,
  maxIntervalMs: 5000,
  growth: 1.5,
  finishMarginMs: 150,
};

interface Sample {
  readonly at: number;
  readonly progress: number;
}

export class PollSchedule {
  private reads = 0;
  private first: Sample | null;
  private latest: Sample | null = null;

  private readonly createdJustNow: boolean;

  /** `startedAt`: when this run created the task (progress was 0 then); null for a task made earlier. */
  constructor(
    private readonly options: PollScheduleOptions = DEFAULT_POLL_SCHEDULE,
    startedAt: number | null = null,
  ) {
    this.createdJustNow = startedAt !== null;
    this.first = startedAt === null ? null : { at: startedAt, progress: 0 };
  }

  /** Record what a read said: its time and progress (null when the server gave none). */
  observe(at: number, progress: number | null): void {
    this.reads++;
    if (progress === null) return;
    const sample = { at, progress };
    if (this.first === null) this.first = sample;
    this.latest = sample;
  }

  /** Milliseconds to wait before the next read. */
  nextDelay(now: number): number {
    const { firstDelayMs, minDelayMs, initialIntervalMs, maxIntervalMs, growth, finishMarginMs } = this.options;
    if (this.reads === 0) return this.createdJustNow ? firstDelayMs : 0;
    const interval = Math.min(maxIntervalMs, initialIntervalMs * growth ** (this.reads - 1));
    const predicted = this.predictedFinish();
    if (predicted === null) return interval;
    return Math.round(Math.max(minDelayMs, Math.min(interval, predicted + finishMarginMs - now)));
  }

  private predictedFinish(): number | null {
    const { first, latest } = this;
    if (!first || !latest || latest.progress <= first.progress || latest.at <= first.at) return null;
    const rate = (latest.progress - first.progress) / (latest.at - first.at);
    return latest.at + (1 - latest.progress) / rate;
  }
}
