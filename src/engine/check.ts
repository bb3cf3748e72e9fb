import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import { isSparkError, UsageError } from '../core/errors.js';
import { ensureFolderOrUsageError } from '../core/make-folder.js';
import { checkImage, describeReport } from '../image/check.js';
import { isConvertible } from '../image/convert.js';
import { repairImage } from '../image/fix.js';
import { isRepairable } from '../image/prepare.js';
import { extensionOf } from '../naming/extension.js';
import { describeOutput, outputInFolder, resultPath } from '../naming/output-path.js';
import { stemOfPath } from '../naming/stems.js';
import { writeAtomically } from '../naming/write-atomically.js';
import type { CheckOptions, CheckResult, RuleBroken } from './types.js';

type FixTo = Exclude<CheckOptions['fix'], false | undefined>;

// Checks are CPU-bound in libvips, which has its own thread pool; two at a time keeps results flowing.
const CHECKS_AT_ONCE = 2;

/** One image: the verdict with every rule broken; with `fix`, an API-ready copy in fix.outDir too. */
export async function checkOne(path: string, options: CheckOptions = {}): Promise<CheckResult> {
  if (options.fix) await ensureFolderOrUsageError(options.fix.outDir, { hint: 'choose another folder for the copies', beforePaying: false });
  return checkAndFix(path, options.fix || null);
}

/**
 * Every image, in the order given, each as soon as it and every one before it is done. With
 * `fix`, two inputs that would be written as the same copy are refused before anything is written.
 */
export async function* checkMany(paths: readonly string[], options: CheckOptions = {}): AsyncGenerator<CheckResult> {
  const fix = options.fix || null;
  if (fix) {
    refuseCollisions(paths, fix.outDir);
    await ensureFolderOrUsageError(fix.outDir, { hint: 'choose another folder for the copies', beforePaying: false });
  }
  const limit = pLimit(CHECKS_AT_ONCE);
  // The same file named twice is fixed once (one copy), but checked as often as it is named.
  const unique = fix ? [...new Set(paths)] : paths;
  const pending = unique.map((path) => limit(() => checkAndFix(path, fix)));
  for (const one of pending) yield await one;
}

function refuseCollisions(paths: readonly string[], outDir: string): void {
  const claimed = new Map<string, string>();
  for (const path of paths) {
    const planned = describeOutput(outputInFolder(outDir, stemOfPath(path)));
    const other = claimed.get(planned);
    if (other !== undefined && resolve(other) !== resolve(path)) {
      throw new UsageError(`${other} and ${path} would both be written as ${planned}.*; rename one of them`, { code: 'output-collision' });
    }
    claimed.set(planned, path);
  }
}

async function checkAndFix(path: string, fix: FixTo | null): Promise<CheckResult> {
  const report = await checkImage(path);
  const { file, ok, format, width, height, bytes, errors } = report;
  const verdict: CheckResult = {
    file,
    ok,
    format,
    width,
    height,
    bytes,
    errors,
    fixable: !ok && isRepairable(report),
    convertible: !ok && isConvertible(report),
    description: describeReport(report),
  };
  if (!fix) return verdict;
  const copy = await fixOne(path, fix);
  return 'errors' in copy ? { ...verdict, fixed: null, fixErrors: copy.errors } : { ...verdict, fixed: copy, fixErrors: [] };
}

type FixOutcome = { output: string; changes: readonly string[]; warnings: readonly string[] } | { errors: RuleBroken[] };

/** The API-ready copy of one image; the original is only read, and a different copy already there is kept unless overwrite. */
async function fixOne(file: string, fix: FixTo): Promise<FixOutcome> {
  let target: string | null = null;
  try {
    const prepared = await repairImage(file, { keepMetadata: fix.keepMetadata === true });
    target = copyPath(file, fix.outDir, extensionOf(prepared.bytes));
    const existing = await readFile(target).catch(() => null);
    if (existing && !existing.equals(prepared.bytes) && !fix.overwrite) {
      return { errors: [{ rule: 'exists', message: `${target} exists with other content; overwrite replaces it` }] };
    }
    const output = existing?.equals(prepared.bytes) ? target : await writeAtomically(target, prepared.bytes, fix.overwrite === true);
    return { output, changes: prepared.changes, warnings: prepared.warnings };
  } catch (error) {
    if (isSparkError(error)) return { errors: [{ rule: error.code, message: error.message }] };
    const code = (error as NodeJS.ErrnoException).code;
    // A copy that cannot be written (a full disk, a file-size limit) fails this file, not the run.
    if (target !== null && code) return { errors: [{ rule: 'write', message: `cannot write ${target}: ${writeProblem(error as NodeJS.ErrnoException)}` }] };
    throw error;
  }
}

/** `<outDir>/<stem>.<ext>`; when that is the original itself (a copy asked for beside it), `<stem>.fixed.<ext>`. */
function copyPath(file: string, outDir: string, extension: string): string {
  const plain = resultPath(outputInFolder(outDir, stemOfPath(file)), { extension, taskId: null, index: 0 });
  if (resolve(plain) !== resolve(file)) return plain;
  return resultPath(outputInFolder(outDir, `${stemOfPath(file)}.fixed`), { extension, taskId: null, index: 0 });
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
