// stylize's flags as the library's options: the command only maps them; the engine checks and resolves them.
import { UsageError } from '../../core/errors.js';
import type { StylizeOptions, WatermarkOptions } from '../../engine/types.js';
import type { RunOptions } from '../shared/run-options.js';

export function stylizeOptionsOf(flags: RunOptions, readStdin: () => Promise<string>): StylizeOptions {
  if (flags.keepMetadata && !flags.fix) throw new UsageError('--keep-metadata goes with --fix');
  return {
    styles: flags.style,
    subStyle: flags.subStyle,
    outDir: flags.out,
    name: flags.name,
    concurrency: flags.concurrency,
    budget: flags.budget,
    maxTasks: flags.maxTasks,
    fix: flags.fix ? { keepMetadata: flags.keepMetadata === true } : false,
    convert: flags.convert,
    watermark: watermarkOf(flags),
    timeout: flags.timeout,
    shard: flags.shard,
    overwrite: flags.overwrite,
    retryFailed: flags.retryFailed,
    resendUnknown: flags.resendUnknown,
    returnUrl: flags.returnUrl,
    recursive: flags.recursive,
    failFast: flags.failFast,
    provenance: flags.provenance,
    keepGps: flags.keepGps,
    stdin: readStdin,
  };
}

/** Any --watermark-* option implies --watermark: nobody sets a position for a watermark they do not want. */
function watermarkOf(flags: RunOptions): boolean | WatermarkOptions {
  const options: WatermarkOptions = {
    position: flags.watermarkPosition,
    language: flags.watermarkLanguage,
    opacity: flags.watermarkOpacity,
    text: flags.watermarkText,
  };
  const any = Object.values(options).some((value) => value !== undefined);
  return any ? options : flags.watermark === true;
}
