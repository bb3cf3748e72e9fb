import { z } from 'zod';
import { normalizeSeedCode } from '../catalog/error-codes.js';
import { ProtocolError } from './errors.js';

/**
 * The shapes the gateway answers in (PROTOCOL.md), parsed defensively: every variant the
 * document lists is accepted, unknown fields are kept out of the way, and what we cannot
 * understand becomes a ProtocolError rather than a crash.
 */

const seedCodeSchema = z.union([z.string(), z.number()]).nullish();

const errorSchema = z.union([
  z.string(),
  z.looseObject({ code: seedCodeSchema, message: z.string().nullish(), error_message: z.string().nullish() }),
]);

const contentItemSchema = z.looseObject({
  type: z.string().nullish(),
  url: z.string().nullish(),
  size: z.number().nullish(),
  jobId: z.string().nullish(),
  b64_json: z.string().nullish(),
  binary_data_base64: z.union([z.string(), z.array(z.string())]).nullish(),
});

const taskSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).nullish(),
  task_id: z.union([z.string(), z.number()]).nullish(),
  status: z.string(),
  progress: z.number().nullish(),
  created_at: z.number().nullish(),
  output: z.array(z.looseObject({ content: z.array(contentItemSchema).nullish() })).nullish(),
  usage: z.looseObject({ cost: z.union([z.string(), z.number()]).nullish() }).nullish(),
  error: errorSchema.nullish(),
});

/** Our own four states. Unknown server states count as running (PROTOCOL.md). */
export type TaskState = 'waiting' | 'running' | 'completed' | 'failed';

export type ResultImage = { readonly kind: 'url'; readonly url: string; readonly size: number | null } | { readonly kind: 'base64'; readonly base64: string };

export interface TaskError {
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
  readonly results: readonly ResultImage[];
  /** USD, as the server's string (never summed as floats on the wire side). */
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

export function parseTask(body: unknown): Task {
  // Some gateways wrap the task in {data: ...}; unwrap that one level.
  const candidate = isRecord(body) && isRecord(body.data) && !('status' in body) ? body.data : body;
  const parsed = taskSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new ProtocolError(`the task answer has an unexpected shape (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message})`);
  }
  const wire = parsed.data;
  const id = wire.id ?? wire.task_id;
  if (id === null || id === undefined || String(id) === '') throw new ProtocolError('the task answer has no id or task_id');
  const status = wire.status.toLowerCase();
  const progress = typeof wire.progress === 'number' && Number.isFinite(wire.progress) ? Math.min(1, Math.max(0, wire.progress)) : null;
  return {
    id: String(id),
    state: STATE_OF_STATUS[status] ?? 'running',
    status,
    progress,
    results: (wire.output ?? []).flatMap((entry) => (entry.content ?? []).flatMap(resultOf)),
    cost: wire.usage?.cost === null || wire.usage?.cost === undefined ? null : String(wire.usage.cost),
    error: wire.error === null || wire.error === undefined ? null : taskErrorOf(wire.error),
  };
}

function resultOf(item: z.infer<typeof contentItemSchema>): ResultImage[] {
  if (item.type && item.type !== 'image') return [];
  if (item.url) return [{ kind: 'url', url: item.url, size: item.size ?? null }];
  const inline = item.b64_json ?? (Array.isArray(item.binary_data_base64) ? item.binary_data_base64[0] : item.binary_data_base64);
  if (inline) return [{ kind: 'base64', base64: inline.replace(/^data:[^,]*,/, '') }];
  return [];
}

function taskErrorOf(error: z.infer<typeof errorSchema>): TaskError {
  if (typeof error === 'string') return { code: extractCode(error), message: error };
  const message = error.error_message ?? error.message ?? 'no message';
  return { code: normalizeSeedCode(error.code), message };
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
    const snippet = text.trim().slice(0, 200);
    return { code: extractCode(snippet), message: snippet || 'no message', requestId: null };
  }
  if (!isRecord(body)) return { code: null, message: String(body), requestId: null };
  const requestId = typeof body.request_id === 'string' ? body.request_id : typeof body.requestId === 'string' ? body.requestId : null;
  const nested = body.error;
  if (typeof nested === 'string') return { code: normalizeSeedCode(body.code as string) ?? extractCode(nested), message: nested, requestId };
  const source = isRecord(nested) ? nested : body;
  const message =
    (typeof source.error_message === 'string' && source.error_message) ||
    (typeof source.message === 'string' && source.message) ||
    (typeof body.message === 'string' && body.message) ||
    'no message';
  const rawCode = source.code ?? body.code;
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? normalizeSeedCode(rawCode) : extractCode(message);
  return { code, message, requestId };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
