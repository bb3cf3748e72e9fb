import { shellQuote } from './shell-quote.js';

/**
 * Shows just enough of a secret to tell two keys apart: at most the first 3 and last 4
 * characters, fewer for short keys, never more than a third of the key.
 */
export function maskSecret(secret: string): string {
  if (secret.length < 8) return '****';
  const visible = Math.floor(secret.length / 3);
  const head = Math.min(3, Math.floor(visible / 2));
  const tail = Math.min(4, visible - head);
  if (head + tail === 0) return '****';
  return `${secret.slice(0, head)}****${secret.slice(secret.length - tail)}`;
}

/** Below this length a key is only redacted where it stands as a whole word, so that ordinary words survive. */
const SHORT_SECRET = 8;

/**
 * Every spelling a secret can take on its way to a line of output: as it is, quoted for a
 * shell (a key with ' in it is printed as 'a'\''b', where the plain key no longer appears),
 * escaped inside JSON, and URL-encoded. Longest first, so that a form containing another goes whole.
 */
function secretForms(secret: string): string[] {
  const forms = new Set([shellQuote(secret), JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), secret]);
  return [...forms].filter(Boolean).sort((a, b) => b.length - a.length);
}

/** Removes every occurrence of a secret, in every form, from a text (error messages, verbose logs). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let result = text;
  for (const form of secretForms(secret)) {
    if (secret.length >= SHORT_SECRET) result = result.split(form).join('[redacted]');
    else result = result.replace(new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(form)}(?![A-Za-z0-9_-])`, 'g'), '[redacted]');
  }
  return result;
}

export function redactAll(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) result = redact(result, secret);
  return result;
}

/**
 * A command line fit to print as "run this again": the key's value is left out whatever its
 * spelling (--api-key K, --api-key=K), so the suggestion never carries it; the run finds the
 * key in the environment or the config instead.
 */
export function withoutApiKey(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--api-key') {
      index++;
      continue;
    }
    if (arg.startsWith('--api-key=')) continue;
    kept.push(arg);
  }
  return kept;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The password in a database URL (postgres://user:password@host/db), or null. */
export function urlPassword(url: string): string | null {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : null;
  } catch {
    return null;
  }
}

/**
 * A database URL as it may be shown, logged or suggested again: without its password (which
 * PostgreSQL clients then take from PGPASSWORD or ~/.pgpass). A text that is not a URL is
 * shown cut at its first "@", so that a mistyped one cannot leak what came before it either.
 */
export function urlWithoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '';
    return parsed.toString();
  } catch {
    const at = url.lastIndexOf('@');
    return at < 0 ? url : `[redacted]${url.slice(at)}`;
  }
}

/** A command line fit to print as "run this again": a --ledger URL keeps everything but its password. */
export function withoutLedgerPassword(args: readonly string[]): string[] {
  return args.map((arg, index) => {
    if (args[index - 1] === '--ledger') return urlWithoutPassword(arg);
    if (arg.startsWith('--ledger=')) return `--ledger=${urlWithoutPassword(arg.slice('--ledger='.length))}`;
    return arg;
  });
}
