import { ExitCode, worstExitCode } from '../../cmdutil/exit-codes.js';

/** One line of `doctor`: what was checked, what was found, and what to do when it failed. */
export interface CheckResult {
  readonly check: string;
  /** warn: worth knowing, does not change the exit code. */
  readonly status: 'pass' | 'warn' | 'fail';
  readonly detail: string;
  readonly fix: string | null;
  /** The exit code a failure stands for: 3 key missing or refused, 4 service unreachable, 1 anything else. */
  readonly exitCode: number;
}

export function pass(check: string, detail: string): CheckResult {
  return { check, status: 'pass', detail, fix: null, exitCode: ExitCode.OK };
}

export function warn(check: string, detail: string, fix: string): CheckResult {
  return { check, status: 'warn', detail, fix, exitCode: ExitCode.OK };
}

export function fail(check: string, detail: string, fix: string, exitCode: number = ExitCode.ITEM_FAILED): CheckResult {
  return { check, status: 'fail', detail, fix, exitCode };
}

export function doctorExitCode(results: readonly CheckResult[]): number {
  return worstExitCode(results.filter((result) => result.status === 'fail').map((result) => result.exitCode));
}

const MARK = { pass: '✔', warn: '!', fail: '✖' } as const;

export function doctorLines(
  results: readonly CheckResult[],
  paint: { ok(t: string): string; warn(t: string): string; error(t: string): string; dim(t: string): string },
): string[] {
  const width = Math.max(...results.map((result) => result.check.length));
  const colour = { pass: paint.ok, warn: paint.warn, fail: paint.error } as const;
  return results.flatMap((result) => [
    `${colour[result.status](MARK[result.status])} ${result.check.padEnd(width)}  ${result.detail}`,
    ...(result.fix ? [paint.dim(`  ${' '.repeat(width)}  fix: ${result.fix}`)] : []),
  ]);
}

export function doctorJson(results: readonly CheckResult[]): string {
  const exitCode = doctorExitCode(results);
  return JSON.stringify({
    ok: exitCode === ExitCode.OK,
    exit_code: exitCode,
    checks: results.map(({ check, status, detail, fix }) => ({ check, status, detail, fix })),
  });
}
