import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { isSparkError, UsageError } from '../../core/errors.js';
import { repairImage } from '../../image/fix.js';
import { extensionOf } from '../../naming/extension.js';
import { describeOutput, outputInFolder, resultPath } from '../../naming/output-path.js';
import { stemOfPath } from '../../naming/stems.js';
import { ensureFolderOrUsageError } from '../../core/make-folder.js';
import { writeAtomically } from '../../naming/write-atomically.js';
import { stdoutPalette } from '../../terminal/colors.js';
import type { CheckOptions } from './define.js';
import { fixCommand } from './fix-command.js';

interface FixReport {
  file: string;
  ok: boolean;
  output: string | null;
  changes: readonly string[];
  warnings: readonly string[];
  errors: { rule: string; message: string }[];
}

/**
 * `check --fix --out DIR`: an API-ready copy of every input that can be made valid, so the
 * folder is a complete set to send. Originals are only read.
 */
export async function runCheckFix(files: string[], options: CheckOptions, { io }: CommandContext): Promise<number> {
  if (!options.out) {
    throw new UsageError('check --fix needs --out <dir> for the repaired copies (the originals are never changed)', {
      code: 'fix-needs-out',
      hint: fixCommand(files),
    });
  }
  const outDir = options.out;
  await ensureFolderOrUsageError(outDir, { hint: 'choose another folder with --out', beforePaying: false });
  const claimed = new Map<string, string>();
  for (const file of files) {
    const planned = describeOutput(outputInFolder(outDir, stemOfPath(file)));
    const other = claimed.get(planned);
    if (other !== undefined && resolve(other) !== resolve(file)) {
      throw new UsageError(`${other} and ${file} would both be written as ${planned}.*; rename one of them`, { code: 'output-collision' });
    }
    claimed.set(planned, file);
  }
  const limit = pLimit(2);
  const reports = [...new Set(files)].map((file) => limit(() => fixOne(file, outDir, options)));
  let failures = 0;
  const paint = stdoutPalette(io);
  for (const pending of reports) {
    const report = await pending;
    if (!report.ok) failures++;
    if (options.json) io.print(JSON.stringify(report));
    else if (options.quiet) {
      if (report.ok) io.print(report.output!);
    } else if (report.ok) {
      const what = report.changes.length ? report.changes.join('; ') : 'nothing needed changing';
      io.print(`${report.file} -> ${report.output}: ${paint.ok(what)}`);
      for (const warning of report.warnings) io.info(paint.warn(`${report.file}: warning: ${warning}`));
    } else {
      io.print(`${report.file}: ${paint.error(report.errors.map((error) => error.message).join('; '))}`);
    }
  }
  return failures === 0 ? ExitCode.OK : ExitCode.ITEM_FAILED;
}

async function fixOne(file: string, outDir: string, options: CheckOptions): Promise<FixReport> {
  const base = { file, output: null, changes: [], warnings: [] };
  let target: string | null = null;
  try {
    const prepared = await repairImage(file, { keepMetadata: options.keepMetadata === true });
    target = resultPath(outputInFolder(outDir, stemOfPath(file)), { extension: extensionOf(prepared.bytes), taskId: null, index: 0 });
    const existing = await readFile(target).catch(() => null);
    if (existing && !existing.equals(prepared.bytes) && !options.overwrite) {
      return { ...base, ok: false, errors: [{ rule: 'exists', message: `${target} exists with other content; --overwrite replaces it` }] };
    }
    const output = existing?.equals(prepared.bytes) ? target : await writeAtomically(target, prepared.bytes, options.overwrite === true);
    return { file, ok: true, output, changes: prepared.changes, warnings: prepared.warnings, errors: [] };
  } catch (error) {
    if (isSparkError(error)) return { ...base, ok: false, errors: [{ rule: error.code, message: error.message }] };
    const code = (error as NodeJS.ErrnoException).code;
    // A copy that cannot be written (a full disk, a file-size limit) fails this file, not the run.
    if (target !== null && code)
      return { ...base, ok: false, errors: [{ rule: 'write', message: `cannot write ${target}: ${writeProblem(error as NodeJS.ErrnoException)}` }] };
    throw error;
  }
}

function writeProblem(error: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is used up',
    EFBIG: 'the file is too large for this file system or its limits',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
  };
  const reason = error.code ? reasons[error.code] : undefined;
  return reason ? `${reason} (${error.code})` : error.message.split('\n')[0]!;
}
