import { closeSync, existsSync, openSync, readSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type Database from 'libsql';
import type { Clock } from '../core/clock.js';
import { COLLECTABLE_FOR_MS, itemKey } from './item-key.js';

/** The file earlier versions kept beside the config, one JSON object per line. */
export const JOURNAL_NAME = 'journal.jsonl';
/** What it is renamed to once imported: kept as a backup, never read again. */
const JOURNAL_BACKUP_NAME = 'journal.jsonl.imported';

interface JournalLine {
  event?: string;
  at?: string;
  task_id?: string;
  key?: string;
  input?: string;
  input_sha256?: string;
  style?: string;
  req_key?: string;
  sub_req_key?: string | null;
  options?: unknown;
  output_base?: string;
  outcome?: string;
  output?: string;
  error_code?: string | null;
}

/**
 * Imports journal.jsonl into the ledger once, line by line (it may hold months of tasks),
 * in one transaction, then renames it. Open tasks younger than 24 hours stay collectable;
 * older ones are marked expired, as their results are gone. A torn last line is skipped.
 * Rows get no origin (any service may claim them: the journal did not say which it used).
 */
export function importJournalOnce(db: Database.Database, ledgerPath: string, clock: Clock): number {
  const journal = join(dirname(ledgerPath), JOURNAL_NAME);
  if (!existsSync(journal)) return 0;
  let imported = 0;
  db.exec('BEGIN IMMEDIATE');
  try {
    const done = db.prepare("SELECT value FROM meta WHERE name = 'journal-imported'").get();
    if (done) {
      db.exec('ROLLBACK');
      renameAside(journal);
      return 0;
    }
    const insert = db.prepare(
      `INSERT INTO attempts (key, input, input_sha256, style, req_key, sub_req_key, options, output_base, intent_at, task_id, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open') ON CONFLICT (task_id) DO NOTHING`,
    );
    const finish = db.prepare('UPDATE attempts SET status = ?, output = ?, error_code = ?, finished_at = ? WHERE task_id = ?');
    for (const line of readLines(journal)) {
      let record: JournalLine;
      try {
        record = JSON.parse(line) as JournalLine;
      } catch {
        continue;
      }
      if (typeof record.task_id !== 'string' || typeof record.key !== 'string') continue;
      const at = Date.parse(record.at ?? '');
      if (record.event === 'created') {
        insert.run(
          keyOf(record),
          record.input ?? '',
          record.input_sha256 ?? '',
          record.style ?? '',
          record.req_key ?? '',
          record.sub_req_key ?? null,
          JSON.stringify(record.options ?? {}),
          record.output_base || null,
          Number.isNaN(at) ? 0 : at,
          record.task_id,
        );
        imported++;
      } else if (record.event === 'finished' && ['saved', 'failed', 'expired'].includes(record.outcome ?? '')) {
        finish.run(record.outcome!, record.output ?? null, record.error_code ?? null, Number.isNaN(at) ? null : at, record.task_id);
      }
    }
    db.prepare("UPDATE attempts SET status = 'expired' WHERE status = 'open' AND intent_at < ?").run(clock.now() - COLLECTABLE_FOR_MS);
    db.prepare("INSERT INTO meta (name, value) VALUES ('journal-imported', ?)").run(String(clock.now()));
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
  renameAside(journal);
  return imported;
}

/** The key this version gives the request the record describes (older versions hashed return_url and --fix in). */
function keyOf(record: JournalLine): string {
  if (typeof record.input_sha256 !== 'string' || !record.input_sha256 || typeof record.req_key !== 'string') return record.key!;
  const options = record.options && typeof record.options === 'object' ? (record.options as Record<string, unknown>) : null;
  return itemKey({ inputSha256: record.input_sha256, reqKey: record.req_key, subReqKey: record.sub_req_key ?? null, options });
}

function renameAside(journal: string): void {
  try {
    renameSync(journal, join(dirname(journal), JOURNAL_BACKUP_NAME));
  } catch {
    // Another run renamed it first, or the folder is read-only: the import is recorded either way.
  }
}

/** The file's lines, read in 1 MB chunks: a 300,000-task journal never sits in memory whole. */
function* readLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(1024 * 1024);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const text = carry + decoder.write(chunk.subarray(0, read));
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) yield line;
    }
    if (carry.trim()) yield carry;
  } finally {
    closeSync(fd);
  }
}
