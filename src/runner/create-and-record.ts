import type { SparkClient } from '../api/client.js';
import { encodeCreateBody } from '../api/request-body.js';
import type { Task } from '../api/wire.js';
import { isSparkError, type SparkError } from '../core/errors.js';
import type { PreparedImage } from '../image/prepare.js';
import type { Ledger } from '../ledger/ledger.js';
import type { RunnerEvent } from './events.js';
import type { PlannedItem } from './plan.js';
import { resultOptions, type RunSettings } from './run-settings.js';

export interface CreateContext {
  readonly client: Pick<SparkClient, 'createTask'>;
  readonly ledger: Ledger;
  readonly settings: RunSettings;
  readonly emit: (event: RunnerEvent) => void;
}

/**
 * The one place that spends money. The intent is on disk before the request leaves; the
 * task id as soon as the answer arrives. Whatever happens between the two (a crash, a kill,
 * a lost answer) leaves "outcome unknown" behind, which no later run sends again on its own.
 * An error that proves nothing was created (refused connection, DNS failure, a 4xx) is
 * recorded as never-sent, and the item is free to be sent again.
 */
export async function createAndRecord(item: PlannedItem, key: string, inputSha256: string, prepared: PreparedImage | null, context: CreateContext): Promise<Task> {
  const { client, ledger, settings } = context;
  const body = encodeCreateBody({
    style: item.style,
    image: prepared ? { bytes: prepared.bytes } : { url: item.input },
    returnUrl: settings.returnUrl,
    logo: settings.logo,
  });
  const attempt = ledger.recordIntent({
    key,
    input: item.input,
    inputSha256,
    style: item.style.alias,
    reqKey: item.style.reqKey,
    subReqKey: item.style.subReqKey,
    options: resultOptions(settings),
    outputBase: item.outputBase,
  });
  let task: Task;
  try {
    // Not given the interrupt signal: a create already on its way finishes and is recorded.
    task = await client.createTask(body, {
      onRetry: ({ delayMs, error }) => context.emit({ type: 'retrying', item, delayMs, reason: (error as Error).message }),
    });
  } catch (error) {
    if (provesNothingCreated(error)) ledger.recordNeverSent(attempt, (error as SparkError).code);
    throw error;
  }
  ledger.recordAnswer(attempt, task.id);
  return task;
}

/** Only errors the client classified count as proof; anything else may have reached the server. */
export function provesNothingCreated(error: unknown): boolean {
  return isSparkError(error) && error.kind !== 'outcome-unknown' && error.kind !== 'interrupted';
}
