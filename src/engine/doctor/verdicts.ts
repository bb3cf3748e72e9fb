import { ExitCode, worstExitCode } from '../../core/exit-codes.js';
import type { DoctorCheck } from '../types.js';

/** One line of `doctor`: what was checked, what was found, and what to do when it failed. */
export type CheckResult = DoctorCheck;

export function pass(check: string, detail: string): CheckResult {
  return { check, status: 'pass', detail, fix: null, exitCode: ExitCode.OK };
}

/** warn: worth knowing, does not change the exit code. */
export function warn(check: string, detail: string, fix: string): CheckResult {
  return { check, status: 'warn', detail, fix, exitCode: ExitCode.OK };
}

/** The exit code a failure stands for: 3 key missing or refused, 4 service unreachable, 1 anything else. */
export function fail(check: string, detail: string, fix: string, exitCode: number = ExitCode.ITEM_FAILED): CheckResult {
  return { check, status: 'fail', detail, fix, exitCode };
}

export function doctorExitCode(results: readonly CheckResult[]): number {
  return worstExitCode(results.filter((result) => result.status === 'fail').map((result) => result.exitCode));
}
