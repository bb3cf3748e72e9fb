import type Database from 'libsql';
import { itemKey } from './item-key.js';

/**
 * One row per attempt to create a task (an "intent"), written before the create is sent and
 * updated as the answer and the outcome arrive; and one row per item being worked on right
 * now (a "claim"), so that two runs sharing the state folder never create the same item twice.
 * Bump SCHEMA_VERSION and add a step when the layout changes.
 */
const SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  input TEXT NOT NULL,
  input_sha256 TEXT NOT NULL,
  style TEXT NOT NULL,
  req_key TEXT NOT NULL,
  sub_req_key TEXT,
  options TEXT NOT NULL,
  output_base TEXT,
  intent_at INTEGER NOT NULL,
  task_id TEXT,
  status TEXT NOT NULL,
  output TEXT,
  cost TEXT,
  error_code TEXT,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS attempts_by_key ON attempts (key, id);
CREATE UNIQUE INDEX IF NOT EXISTS attempts_by_task ON attempts (task_id);
CREATE INDEX IF NOT EXISTS attempts_by_time ON attempts (intent_at);
CREATE TABLE IF NOT EXISTS claims (
  key TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  marker TEXT NOT NULL,
  claimed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/**
 * WAL: readers never wait for a writer, and a write is one append. synchronous=FULL: every
 * commit is on disk before it returns, which is what makes an intent "written ahead".
 * busy_timeout: a second run waits its turn for the write lock instead of failing.
 */
export function prepareDatabase(db: Database.Database, inMemory: boolean): void {
  if (!inMemory) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 30000');
  db.pragma('foreign_keys = ON');
  if (userVersion(db) >= SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    // Read again under the write lock: another run may have upgraded the file meanwhile.
    const version = userVersion(db);
    if (version < 1) db.exec(SCHEMA);
    if (version < 2) upgradeToVersion2(db);
    if (version < 3) upgradeToVersion3(db);
    if (version < SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function userVersion(db: Database.Database): number {
  return Number((db.prepare('PRAGMA user_version').raw(true).get() as unknown[])[0]);
}

/**
 * Version 2: each attempt records the API it was sent to (`origin`: a task lives on one
 * service; NULL for rows written before, which any service may claim, so that no task they
 * may stand for is ever paid again); and the item key is the original photo's hash, the
 * style and the options that change the picture, no longer return_url or --fix. The keys of
 * the rows already there are computed again from what they recorded, once: version 1 recorded
 * the original file's hash (also for --fix items), which is what the key hashes now.
 * (Unreleased builds of version 2 keyed --fix items by the bytes sent; their rows need no
 * further migration: they were never shipped.)
 */
function upgradeToVersion2(db: Database.Database): void {
  db.exec('ALTER TABLE attempts ADD COLUMN origin TEXT');
  const rows = db.prepare('SELECT id, input_sha256, req_key, sub_req_key, options FROM attempts').raw(true).all() as [
    number,
    string,
    string,
    string | null,
    string,
  ][];
  const update = db.prepare('UPDATE attempts SET key = ? WHERE id = ?');
  for (const [id, inputSha256, reqKey, subReqKey, options] of rows) {
    if (!inputSha256) continue;
    update.run(itemKey({ inputSha256, reqKey, subReqKey, options: parseOptions(options) }), id);
  }
}

/**
 * Version 3: claims are leases (a worker id, its host and pid, an expiry) instead of a pid
 * alone, so that containers sharing one state folder are safe; each attempt records the worker
 * that made it. Claims are only ever held by running processes: the old table is replaced.
 */
function upgradeToVersion3(db: Database.Database): void {
  db.exec(`DROP TABLE IF EXISTS claims;
    CREATE TABLE claims (key TEXT PRIMARY KEY, worker TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, marker TEXT NOT NULL,
      expires_at INTEGER NOT NULL, claimed_at INTEGER NOT NULL);
    CREATE INDEX claims_by_worker ON claims (worker);
    ALTER TABLE attempts ADD COLUMN worker TEXT;
    ALTER TABLE attempts ADD COLUMN host TEXT;`);
}

function parseOptions(text: string | null | undefined): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text ?? 'null');
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
