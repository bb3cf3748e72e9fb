/** A ledger location that names a shared PostgreSQL ledger rather than a SQLite file. */
export { isPostgresUrl } from '../ledger/open-ledger.js';
