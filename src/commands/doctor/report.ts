import { ExitCode } from '../../cmdutil/exit-codes.js';
import { type CheckResult, doctorExitCode } from '../../engine/doctor/verdicts.js';

export { type CheckResult, doctorExitCode, fail, pass } from '../../engine/doctor/verdicts.js';

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
