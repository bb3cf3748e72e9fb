import { z } from 'zod';
import { normalizeSeedCode as normalizeAnyCode } from '../catalog/error-codes.js';
import { ProtocolError } from './errors.js';

/**
 * The shapes the gateway answers in (PROTOCOL.md), parsed defensively: every variant the
 * document lists is accepted, unknown fields are kept out of the way, and what we cannot
 * understand becomes a ProtocolError rather than a crash.
 */

const seedCodeSchema = z.union([z.string(), z.number()]).nullish();

const errorSchema = z.union([z.string(), z.looseObject({ code: seedCodeSchema, message: z.string().nullish(), error_message: z.string().nullish() })]);

// Only the image itself must have its shape; a size or job id of an odd type is ignored.
const contentItemSchema = z.looseObject({
  type: z.string().nullish(),
  url: z.string().nullish(),
  size: z.unknown().optional(),
  jobId: z.unknown().optional(),
  b64_json: z.string().nullish(),
  binary_data_base64: z.union([z.string(), z.array(z.string())]).nullish(),
});

// Fields that only inform (progress, usage, an error on a task that did not fail) are read
// leniently: an odd value there must never stop a paid result from being saved.
const taskSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).nullish(),
  task_id: z.union([z.string(), z.number()]).nullish(),
  status: z.string(),
  progress: z.unknown().optional(),
  output: z.array(z.looseObject({ content: z.array(contentItemSchema).nullish() })).nullish(),
  usage: z.unknown().optional(),
  error: z.unknown().optional(),
});

/** Task ids as the service makes them; anything else (a path, a newline, an escape) is refused. */
const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export function isValidTaskId(id: string): boolean {
  return TASK_ID_PATTERN.test(id);
}

/** The API returns one image per task; a task claiming more is bounded to this many. */
export const MAX_RESULTS_PER_TASK = 4;

/** A status word is a short identifier; anything else is reported as this (and counts as running). */
const UNRECOGNISED_STATUS = 'unrecognised';

/** Server messages are shown to people and recorded in the ledger: one line, and cut. */
const MAX_SERVER_MESSAGE_CHARS = 500;

/** Our own four states. Unknown server states count as running (PROTOCOL.md). */
type TaskState = 'waiting' | 'running' | 'completed' | 'failed';

export type ResultImage = { readonly kind: 'url'; readonly url: string; readonly size: number | null } | { readonly kind: 'base64'; readonly base64: string };

interface TaskError {
  readonly code: string | null;
  readonly message: string;
}

export interface Task {
  readonly id: string;
  readonly state: TaskState;
  /** The status word as the server sent it, for reports. */
  readonly status: string;
  /** 0..1, or null when the server does not say. */
  readonly progress: number | null;
  /** At most MAX_RESULTS_PER_TASK. */
  readonly results: readonly ResultImage[];
  /** Results the task claimed beyond MAX_RESULTS_PER_TASK, left out. */
  readonly resultsLeftOut: number;
  /** USD, as the server's string (never summed as floats on the wire side); null when absent or not a sane amount. */
  readonly cost: string | null;
  readonly error: TaskError | null;
}

const STATE_OF_STATUS: Record<string, TaskState> = {
  pending: 'waiting',
  queued: 'waiting',
  processing: 'running',
  in_progress: 'running',
  completed: 'completed',
  failed: 'failed',
};

/**
 * A task answer. `requestedId`, when we asked for a task by id, is the id the task keeps:
 * the answer's own id is not trusted to name it (a task read answers for the task we asked for).
 */
export function parseTask(body: unknown, requestedId?: string): Task {
  // Some gateways wrap the task in {data: ...}; unwrap that one level.
  const candidate = isRecord(body) && isRecord(body.data) && !('status' in body) ? body.data : body;
  const parsed = taskSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new ProtocolError(
      `the task answer has an unexpected shape (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message})`,
    );
  }
  const wire = parsed.data;
  const id = requestedId ?? taskIdOf(wire.id ?? wire.task_id);
  const status = /^[A-Za-z0-9_ .-]{1,40}$/.test(wire.status) ? wire.status.toLowerCase() : UNRECOGNISED_STATUS;
  const progress = typeof wire.progress === 'number' && Number.isFinite(wire.progress) ? Math.min(1, Math.max(0, wire.progress)) : null;
  const results = (wire.output ?? []).flatMap((entry) => (entry.content ?? []).flatMap(resultOf));
  const state = STATE_OF_STATUS[status] ?? 'running';
  return {
    id,
    state,
    status,
    progress,
    results: results.slice(0, MAX_RESULTS_PER_TASK),
    resultsLeftOut: Math.max(0, results.length - MAX_RESULTS_PER_TASK),
    cost: costOf(wire.usage),
    error: wire.error === null || wire.error === undefined ? null : taskErrorOf(wire.error, state === 'failed'),
  };
}

function taskIdOf(raw: string | number | null | undefined): string {
  if (raw === null || raw === undefined || String(raw) === '') throw new ProtocolError('the task answer has no id or task_id');
  const id = String(raw);
  if (!isValidTaskId(id)) {
    throw new ProtocolError(
      `the task answer has an invalid id (${JSON.stringify(id.slice(0, 40))}${id.length > 40 ? '…' : ''}); ids are 1-128 letters, digits, _ or -`,
    );
  }
  return id;
}

/**
 * usage.cost is informative: a plain non-negative decimal (string or number) of sane size is
 * kept as written; an object, an array, "1e308", "-5" or NaN is unknown (null).
 */
function costOf(usage: unknown): string | null {
  if (!isRecord(usage)) return null;
  const raw = usage.cost;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw < 0 || raw >= 1e6) return null;
    return costOf({ cost: String(raw) });
  }
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  return /^\d{1,6}(\.\d{1,12})?$/.test(text) ? text : null;
}

/** One line, cut: a server message is shown to people and kept in the ledger. */
function serverText(text: string): string {
  const line = text.replace(/[\r\n\t\f\v\u2028\u2029]+/g, ' ');
  return line.length <= MAX_SERVER_MESSAGE_CHARS
    ? line
    : `${line.slice(0, MAX_SERVER_MESSAGE_CHARS)}… (${line.length - MAX_SERVER_MESSAGE_CHARS} more characters)`;
}

function resultOf(item: z.infer<typeof contentItemSchema>): ResultImage[] {
  if (item.type && item.type !== 'image') return [];
  if (item.url) return [{ kind: 'url', url: item.url, size: typeof item.size === 'number' && Number.isFinite(item.size) ? item.size : null }];
  const inline = item.b64_json ?? (Array.isArray(item.binary_data_base64) ? item.binary_data_base64[0] : item.binary_data_base64);
  if (inline) return [{ kind: 'base64', base64: inline.replace(/^data:[^,]*,/, '') }];
  return [];
}

function taskErrorOf(error: unknown, failed: boolean): TaskError | null {
  if (typeof error === 'string') return { code: extractCode(error), message: serverText(error) };
  const shaped = errorSchema.safeParse(error);
  if (shaped.success && typeof shaped.data !== 'string') {
    return { code: normalizeSeedCode(shaped.data.code), message: serverText(shaped.data.error_message ?? shaped.data.message ?? 'no message') };
  }
  // An unreadable error on a failed task still says it failed; on any other task it is noise.
  return failed ? { code: null, message: 'no readable message' } : null;
}

/** A plain-string error sometimes starts with its code ("003008095: Internal generation error"). */
function extractCode(text: string): string | null {
  const match = /\b(\d{9})\b/.exec(text);
  return match ? match[1]! : null;
}

/** The code and message of an HTTP error answer: {message}, {error: string | object}, or the error object itself. */
export function parseErrorBody(text: string): TaskError & { requestId: string | null } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const snippet = serverText(text.trim().slice(0, 200));
    return { code: extractCode(snippet), message: snippet || 'no message', requestId: null };
  }
  if (!isRecord(body)) return { code: null, message: serverText(String(body).slice(0, 1000)), requestId: null };
  const rawRequestId = typeof body.request_id === 'string' ? body.request_id : typeof body.requestId === 'string' ? body.requestId : null;
  const requestId = rawRequestId === null ? null : serverText(rawRequestId).slice(0, 128);
  const nested = body.error;
  if (typeof nested === 'string') return { code: normalizeSeedCode(body.code) ?? extractCode(nested), message: serverText(nested), requestId };
  const source = isRecord(nested) ? nested : body;
  const message =
    (typeof source.error_message === 'string' && source.error_message) ||
    (typeof source.message === 'string' && source.message) ||
    (typeof body.message === 'string' && body.message) ||
    'no message';
  const rawCode = source.code ?? body.code;
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? normalizeSeedCode(rawCode) : extractCode(message);
  return { code, message: serverText(message), requestId };
}

/** A seed code as the catalog writes it; a code that is not a short identifier is dropped. */
function normalizeSeedCode(code: unknown): string | null {
  if (typeof code !== 'string' && typeof code !== 'number') return null;
  const normalized = normalizeAnyCode(code);
  return normalized !== null && /^[A-Za-z0-9_.-]{1,40}$/.test(normalized) ? normalized : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
