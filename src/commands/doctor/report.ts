import { ExitCode } from '../../cmdutil/exit-codes.js';
import type { DoctorCheck, DoctorReport } from '../../engine/types.js';

const MARK = { pass: '✔', warn: '!', fail: '✖' } as const;

export function doctorLines(
  results: readonly DoctorCheck[],
  paint: { ok(t: string): string; warn(t: string): string; error(t: string): string; dim(t: string): string },
): string[] {
  const width = Math.max(...results.map((result) => result.check.length));
  const colour = { pass: paint.ok, warn: paint.warn, fail: paint.error } as const;
  return results.flatMap((result) => [
    `${colour[result.status](MARK[result.status])} ${result.check.padEnd(width)}  ${result.detail}`,
    ...(result.fix ? [paint.dim(`  ${' '.repeat(width)}  fix: ${result.fix}`)] : []),
  ]);
}

export function doctorJson(report: DoctorReport): string {
  return JSON.stringify({
    ok: report.exitCode === ExitCode.OK,
    exit_code: report.exitCode,
    checks: report.checks.map(({ check, status, detail, fix }) => ({ check, status, detail, fix })),
  });
}
