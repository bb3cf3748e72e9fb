import type { ServerResponse } from 'node:http';
import { findSeedCode } from '../catalog/error-codes.js';
import type { Faults } from './faults.js';
import { sendEndless, sendGzipBomb, sendTrickle } from './hostile.js';
import { sendJson } from './http.js';

/** The emulator's counters that injected faults move. */
export interface FaultCounters {
  rate_limited: number;
  injected_errors: number;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The faults in force (faults.ts) and what is left of their counted injections, asked at each
 * point of a request where a real gateway or result host could misbehave. An `answer...`
 * method that returns true has answered the request itself; false leaves it to the protocol.
 */
export class FaultInjection {
  #faults: Faults = {};
  #readErrorsLeft = 0;
  #dropsLeft = 0;
  #htmlResultsLeft = 0;

  constructor(
    faults: Faults,
    private readonly counters: FaultCounters,
  ) {
    this.set(faults);
  }

  get current(): Faults {
    return this.#faults;
  }

  /** New faults start their counted injections over. */
  set(next: Faults): void {
    this.#faults = next;
    this.#readErrorsLeft = next.readError?.count ?? 0;
    this.#dropsLeft = next.dropCreate?.count ?? 0;
    this.#htmlResultsLeft = next.htmlResult?.count ?? 0;
  }

  /** Before a create's body is read: a slow gateway, a 429, a redirect, an error status. */
  async answerCreate(createNumber: number, response: ServerResponse): Promise<boolean> {
    const slow = this.#faults.slowCreate;
    if (slow && createNumber > slow.after) await delay(slow.delayMs);
    const { rateLimit, redirectCreate, createError } = this.#faults;
    if (rateLimit && createNumber > rateLimit.after && createNumber <= rateLimit.after + rateLimit.count) {
      this.counters.rate_limited++;
      sendJson(response, 429, { message: 'Too many requests' }, { 'retry-after': String(rateLimit.retryAfterSeconds) });
      return true;
    }
    if (redirectCreate) {
      this.counters.injected_errors++;
      response.writeHead(redirectCreate.status, { location: redirectCreate.location, 'content-length': 0 });
      response.end();
      return true;
    }
    if (createError && createNumber > createError.after && createNumber <= createError.after + createError.count) {
      this.counters.injected_errors++;
      const seed = findSeedCode(createError.code);
      sendJson(response, createError.status, seed ? { error: { code: seed.code, message: seed.message } } : { message: 'Bad gateway' });
      return true;
    }
    return false;
  }

  /** The seed code the task made by the taskNumber-th successful create will fail with, or null. */
  failCodeFor(taskNumber: number): string | null {
    const { failEvery, failCode } = this.#faults;
    return failEvery && taskNumber % failEvery === 0 ? (failCode ?? '003008095') : null;
  }

  /** After the task is made, before its create is answered: a slow gateway or uplink. */
  async delayCreateAnswer(createNumber: number): Promise<void> {
    const delayAnswer = this.#faults.delayAnswer;
    if (delayAnswer && createNumber > delayAnswer.after) await delay(delayAnswer.delayMs);
  }

  /** Whether this create's connection is dropped instead of answered (its task exists). */
  takeDroppedCreate(): boolean {
    if (this.#dropsLeft <= 0) return false;
    this.#dropsLeft--;
    return true;
  }

  /** Before a task read: an injected error status, a gzip bomb, a body that never ends. */
  answerRead(response: ServerResponse): boolean {
    const { readError, readBomb, hostileMessage } = this.#faults;
    if (this.#readErrorsLeft > 0 && readError) {
      this.#readErrorsLeft--;
      this.counters.injected_errors++;
      sendJson(response, readError.status, { message: hostileMessage ?? 'Injected read error' });
      return true;
    }
    if (readBomb === 'gzip') sendGzipBomb(response, 200, 'application/json');
    else if (readBomb === 'endless') sendEndless(response, 200, 'application/json');
    else return false;
    return true;
  }

  /** Whether a read names the task by the hostile id its create was answered with. */
  isHostileId(taskId: string): boolean {
    return taskId === this.#faults.hostileTaskId;
  }

  /** faults.hostileTaskId: the answer names the task with an id a client must not trust. */
  withHostileId(view: Record<string, unknown>): Record<string, unknown> {
    if (this.#faults.hostileTaskId === undefined) return view;
    const { id: _id, task_id: _taskId, ...rest } = view;
    return { id: this.#faults.hostileTaskId, ...rest };
  }

  /** Before a result download: a captive portal's HTML page, a gzip bomb, a trickle. */
  answerResult(response: ServerResponse, result: Buffer): boolean {
    if (this.#htmlResultsLeft > 0) {
      this.#htmlResultsLeft--;
      this.counters.injected_errors++;
      const page = '<!DOCTYPE html><html><head><title>Network login</title></head><body>Sign in to continue</body></html>';
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
      response.end(page);
      return true;
    }
    const { resultBomb, trickleResults } = this.#faults;
    if (resultBomb) sendGzipBomb(response, 200, 'image/jpeg');
    else if (trickleResults) sendTrickle(response, result, 'image/jpeg', trickleResults.intervalMs);
    else return false;
    return true;
  }
}
