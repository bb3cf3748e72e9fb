import { createHash } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The task journal: every created task id, appended and flushed to disk before we start
 * waiting for it, so no paid task is ever lost. A later run with the same item key collects
 * the task instead of paying for a new one. JSON lines, mode 0600, beside the config.
 * Writes are synchronous on purpose: a second Ctrl-C exits at once and must find every line whole.
 */
export interface CreatedRecord {
  readonly event: 'created';
  readonly at: string;
  readonly task_id: string;
  readonly key: string;
  readonly input: string;
  readonly input_sha256: string;
  readonly style: string;
  readonly req_key: string;
  readonly sub_req_key: string | null;
  /** Every option that changes the result. */
  readonly options: Record<string, unknown>;
  readonly output_base: string;
}

export interface FinishedRecord {
  readonly event: 'finished';
  readonly at: string;
  readonly task_id: string;
  readonly key: string;
  readonly outcome: 'saved' | 'failed' | 'expired';
  readonly output?: string;
  readonly error_code?: string | null;
}

type JournalRecord = CreatedRecord | FinishedRecord;

export interface JournalEntry {
  readonly created: CreatedRecord;
  readonly createdAt: number;
  readonly outcome: 'open' | 'saved' | 'failed' | 'expired';
  readonly errorCode: string | null;
}

/** Results stay downloadable for 24 hours (provider's page); older tasks are not worth collecting. */
export const COLLECTABLE_FOR_MS = 24 * 60 * 60 * 1000;

/** The item key: one (input content, style, result-changing options) combination. */
export function itemKey(parts: { inputSha256: string; reqKey: string; subReqKey: string | null; options: Record<string, unknown> }): string {
  const canonical = JSON.stringify([parts.inputSha256, parts.reqKey, parts.subReqKey, sortKeys(parts.options)]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

export class Journal {
  private readonly byKey = new Map<string, JournalEntry>();
  private readonly byTask = new Map<string, CreatedRecord>();
  private fd: number | null = null;

  /** `path` null: kept in memory only (offline runs, whose emulator tasks die with the process). */
  private constructor(readonly path: string | null) {}

  static inMemory(): Journal {
    return new Journal(null);
  }

  /** Reads what earlier runs wrote. Unreadable lines (a crash mid-write) are skipped. */
  static open(path: string): Journal {
    const journal = new Journal(path);
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        journal.apply(JSON.parse(line) as JournalRecord);
      } catch {
        // A torn last line from a killed process: everything before it still counts.
      }
    }
    return journal;
  }

  lookup(key: string): JournalEntry | undefined {
    return this.byKey.get(key);
  }

  findTask(taskId: string): CreatedRecord | undefined {
    return this.byTask.get(taskId);
  }

  /** Flushed to disk before returning: this line is what keeps a paid task from being lost. */
  recordCreated(record: Omit<CreatedRecord, 'event' | 'at'>): void {
    this.append({ event: 'created', at: new Date().toISOString(), ...record }, true);
  }

  /** Not flushed: if it is lost in a crash, the next run merely collects the task again, free. */
  recordFinished(record: Omit<FinishedRecord, 'event' | 'at'>): void {
    this.append({ event: 'finished', at: new Date().toISOString(), ...record }, false);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private append(record: JournalRecord, flush: boolean): void {
    if (this.path === null) return this.apply(record);
    if (this.fd === null) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.fd = openSync(this.path, 'a', 0o600);
      fchmodSync(this.fd, 0o600);
    }
    // One write of one line: O_APPEND keeps lines whole even with two runs writing at once.
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    if (flush) fsyncSync(this.fd);
    this.apply(record);
  }

  private apply(record: JournalRecord): void {
    if (record.event === 'created') {
      this.byTask.set(record.task_id, record);
      this.byKey.set(record.key, { created: record, createdAt: Date.parse(record.at), outcome: 'open', errorCode: null });
    } else if (record.event === 'finished') {
      const entry = this.byKey.get(record.key);
      if (entry && entry.created.task_id === record.task_id) {
        this.byKey.set(record.key, { ...entry, outcome: record.outcome, errorCode: record.error_code ?? null });
      }
    }
  }
}
