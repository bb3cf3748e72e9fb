import type { SparkClient } from '../api/client.js';
import { encodeCreateBody } from '../api/request-body.js';
import type { Task } from '../api/wire.js';
import { InterruptedError, isSparkError, SparkError } from '../core/errors.js';
import type { PreparedImage } from '../image/prepare.js';
import type { Ledger } from '../ledger/ledger.js';
import type { RunnerEvent } from './events.js';
import type { PlannedItem } from './plan.js';
import { resultOptions, type RunSettings } from './run-settings.js';
import { recoveryCommand } from './wait-and-save.js';

export interface CreateContext {
  readonly client: Pick<SparkClient, 'createTask'>;
  readonly ledger: Ledger;
  readonly settings: RunSettings;
  readonly emit: (event: RunnerEvent) => void;
  /** Ctrl-C: stops a create waiting to retry (or waiting out a 429 pause), never one on the wire. */
  readonly interrupt?: AbortSignal;
  /** Flags `spark-style status` needs to reach the same service (--base-url), for recovery commands. */
  readonly statusFlags?: readonly string[];
}

/**
 * The task was created, and paid for, but its id could not be written to the ledger (a full
 * disk, a ledger locked by another process, an id the ledger already holds). The id is all
 * that is left to collect it by: the message carries it and the command that collects it.
 */
export class AnswerNotRecordedError extends SparkError {
  override name = 'AnswerNotRecordedError';
  constructor(
    readonly taskId: string,
    command: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('api', `task ${taskId} was created but could not be recorded in the ledger (${reason}); collect it with: ${command}`, {
      code: 'not-recorded',
      cause,
    });
  }
}

/**
 * A task created and paid for whose id the ledger could not take (a full disk, a lock, an id
 * it already holds). The run keeps the id in memory, waits for the task and saves its result
 * anyway, and writes the id again before it records the outcome: once the result file exists,
 * later runs see it and skip. Only a run that ends before saving fails the item with `error`.
 */
export class UnrecordedAnswer {
  #recorded = false;
  constructor(
    private readonly ledger: Ledger,
    private readonly attempt: number,
    readonly error: AnswerNotRecordedError,
  ) {}

  /** Writes the task id again; true once the ledger has it. */
  async retry(): Promise<boolean> {
    try {
      await this.recordOrThrow();
    } catch {
      return false;
    }
    return true;
  }

  async recordOrThrow(): Promise<void> {
    if (this.#recorded) return;
    await this.ledger.recordAnswer(this.attempt, this.error.taskId);
    this.#recorded = true;
  }

  /** The ledger for waiting and saving: each outcome it records writes the task id first. */
  outcomeLedger(): Ledger {
    const { ledger } = this;
    const wrapped = Object.create(ledger) as Ledger;
    const idFirst =
      <A extends unknown[]>(write: (...args: A) => Promise<void>) =>
      async (...args: A): Promise<void> => {
        await this.recordOrThrow();
        await write.apply(ledger, args);
      };
    wrapped.recordSaved = idFirst(ledger.recordSaved);
    wrapped.recordFailed = idFirst(ledger.recordFailed);
    wrapped.recordExpired = idFirst(ledger.recordExpired);
    return wrapped;
  }
}

export interface Created {
  readonly task: Task;
  /** Set when the ledger could not record the task id: see UnrecordedAnswer. */
  readonly unrecorded: UnrecordedAnswer | null;
}

/**
 * The one place that spends money. The intent is on disk before the request leaves; the
 * task id as soon as the answer arrives. Whatever happens between the two (a crash, a kill,
 * a lost answer) leaves "outcome unknown" behind, which no later run sends again on its own.
 * An error that proves nothing was created (refused connection, DNS failure, a 4xx) is
 * recorded as never-sent, and the item is free to be sent again; so is a create stopped by
 * Ctrl-C while it waited to retry. An answer that cannot be recorded comes back with its task
 * id kept in memory (UnrecordedAnswer), never silently dropped.
 */
export async function createAndRecord(
  item: PlannedItem,
  key: string,
  inputSha256: string,
  prepared: PreparedImage | null,
  context: CreateContext,
): Promise<Created> {
  const { client, ledger, settings } = context;
  const body = encodeCreateBody({
    style: item.style,
    image: prepared ? { bytes: prepared.bytes } : { url: item.input },
    returnUrl: settings.returnUrl,
    logo: settings.logo,
  });
  const attempt = await ledger.recordIntent({
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
    // The interrupt stops the waits only: a create already on its way finishes and is recorded.
    task = await client.createTask(body, {
      waitSignal: context.interrupt,
      onRetry: ({ delayMs, error }) => context.emit({ type: 'retrying', item, delayMs, reason: (error as Error).message }),
    });
  } catch (error) {
    if (provesNothingCreated(error)) await ledger.recordNeverSent(attempt, (error as SparkError).code);
    else if (error instanceof InterruptedError) {
      // Only a wait was cut short (createTask never gets a signal that aborts a request):
      // every attempt before it proved that nothing was created.
      await ledger.recordNeverSent(attempt, error.code);
      throw new CreateNotSentError();
    }
    throw error;
  }
  try {
    await ledger.recordAnswer(attempt, task.id);
  } catch (error) {
    const notRecorded = new AnswerNotRecordedError(task.id, recoveryCommand(item, task.id, context.statusFlags), error);
    return { task, unrecorded: new UnrecordedAnswer(ledger, attempt, notRecorded) };
  }
  return { task, unrecorded: null };
}

/** Ctrl-C stopped a create before it was sent (or between attempts that created nothing). */
class CreateNotSentError extends InterruptedError {
  override name = 'CreateNotSentError';
  constructor() {
    super('interrupted before the task was sent');
  }
}

/** Only errors the client classified count as proof; anything else may have reached the server. */
export function provesNothingCreated(error: unknown): boolean {
  if (error instanceof CreateNotSentError) return true;
  return isSparkError(error) && error.kind !== 'outcome-unknown' && error.kind !== 'interrupted' && !(error instanceof AnswerNotRecordedError);
}
