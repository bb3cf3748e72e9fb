import { isSparkError } from '../core/errors.js';
import type { EngineState } from './state.js';
import type { StatusOptions, TaskStatus } from './types.js';

/**
 * Tasks looked up by id, one request each, through the same connection as a run (the
 * emulator's, offline). Waiting and saving go through the run pipeline and come with it; until
 * then they are refused by the caller (client.ts).
 */
export async function lookUpTasks(state: EngineState, taskIds: readonly string[], options: StatusOptions): Promise<TaskStatus[]> {
  const connection = await state.connect(state.target, { log: state.log, clock: state.clock });
  try {
    const reports: TaskStatus[] = [];
    for (const taskId of taskIds) {
      try {
        const task = await connection.client.getTask(taskId, { signal: options.signal });
        reports.push({
          task_id: taskId,
          status: task.status,
          progress: task.progress,
          cost: task.cost,
          results: task.results.map((result) => (result.kind === 'url' ? result.url : '(inline base64 image)')),
          error: task.error,
          saved: [],
          ...(task.resultsLeftOut ? { results_left_out: task.resultsLeftOut } : {}),
        });
      } catch (error) {
        if (!isSparkError(error)) throw error;
        reports.push({
          task_id: taskId,
          status: 'error',
          error: { code: error.code, message: error.message },
          hint: error.hint ?? undefined,
          errorKind: error.kind,
        });
      }
    }
    return reports;
  } finally {
    await connection.close();
  }
}
