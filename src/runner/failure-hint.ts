import { OUTCOME_UNKNOWN_HINT, TaskFailedError } from '../api/errors.js';
import { findSeedCode } from '../catalog/error-codes.js';
import type { SparkError } from '../core/errors.js';
import type { InputSource } from './inputs.js';

/**
 * The hint for an item's failure, fitted to its input: a task that failed fetching a URL input
 * will fail the same way again until the URL opens for the service, so "run again" is wrong advice.
 */
export function failureHint(error: SparkError, source: InputSource): string | undefined {
  // The ledger keeps the create as "outcome unknown": the next run reports it and sends nothing.
  if (error.kind === 'outcome-unknown') return OUTCOME_UNKNOWN_HINT;
  if (source.kind === 'url' && error instanceof TaskFailedError) return findSeedCode(error.seedCode)?.urlHint ?? error.hint;
  return error.hint;
}
