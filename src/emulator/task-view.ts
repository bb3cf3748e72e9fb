import { randomBytes } from 'node:crypto';
import { findSeedCode } from '../catalog/error-codes.js';
import type { Faults } from './faults.js';

/** One emulated task, as the server side keeps it. */
export interface EmulatedTask {
  readonly id: string;
  readonly createdAt: number;
  readonly alias: string;
  readonly returnUrl: boolean;
  /** When set, the task fails with this seed code once its time is up. */
  failCode: string | null;
  /** The stylized JPEG, once rendered. */
  result: Buffer | null;
  renderError: string | null;
  readonly variant: 'standard' | 'task-id' | 'string-error';
}

export function newTaskId(): string {
  // Looks like the provider's ids ("d758n65e878c73cmdg20"): 20 lowercase base32 characters.
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  return Array.from(randomBytes(20), (byte) => alphabet[byte % 32]).join('');
}

/** What shapes a task's answer besides the task and the time. */
export interface ViewContext {
  /** Create-to-completed time of every task; 0 is a synchronous service. */
  readonly latencyMs: number;
  /** The result host's base URL: return_url results link there. */
  readonly resultBase: string;
  readonly costPerTask: string;
  /** The faults in force that change what a task looks like. */
  readonly faults: Pick<Faults, 'neverFinish' | 'hostileMessage' | 'oddCost' | 'resultsPerTask'>;
}

/**
 * The task as the API answers it at `now` (PROTOCOL.md): waiting for the first tenth of the
 * latency, running (with progress) until the latency is up and the picture is rendered, then
 * failed or completed. The task's wire variant picks among the shapes the protocol allows.
 */
export function taskView(task: EmulatedTask, now: number, context: ViewContext): Record<string, unknown> {
  const { latencyMs, faults } = context;
  const elapsed = now - task.createdAt;
  const idField = task.variant === 'task-id' ? { task_id: task.id } : { id: task.id };
  const base = { ...idField, model: 'spark_style_template', created_at: Math.floor(task.createdAt / 1000), metadata: {} };
  const rendered = task.result !== null || task.renderError !== null;
  if (elapsed < latencyMs * 0.1 && latencyMs !== 0) return { ...base, status: task.variant === 'task-id' ? 'queued' : 'pending' };
  if (faults.neverFinish || elapsed < latencyMs || (!rendered && task.failCode === null)) {
    return {
      ...base,
      status: task.variant === 'task-id' ? 'processing' : 'in_progress',
      progress: Math.min(0.99, Math.round((elapsed / Math.max(1, latencyMs)) * 100) / 100),
    };
  }
  const failCode = task.failCode ?? (task.renderError !== null ? '003008095' : null);
  if (failCode !== null) {
    const message = faults.hostileMessage ?? findSeedCode(failCode)?.message ?? 'Task failed';
    const error =
      task.variant === 'string-error'
        ? `${failCode}: ${message}`
        : task.variant === 'task-id'
          ? { code: failCode, message }
          : { code: failCode, error_message: message };
    return { ...base, status: 'failed', error };
  }
  const content: Record<string, unknown> = { type: 'image', size: task.result!.length, jobId: `job-${task.id}` };
  if (task.returnUrl) content.url = `${context.resultBase}/results/${task.id}/0.jpg`;
  else if (task.variant === 'task-id') content.binary_data_base64 = [task.result!.toString('base64')];
  else content.b64_json = task.result!.toString('base64');
  const cost = 'oddCost' in faults ? faults.oddCost : context.costPerTask;
  const contents = Array.from({ length: Math.max(1, faults.resultsPerTask ?? 1) }, () => content);
  return { ...base, status: 'completed', progress: 1, output: [{ content: contents }], usage: { cost, discount: 0 } };
}
