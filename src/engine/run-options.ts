// What a run's options (StylizeOptions) resolve to: the styles, the RunSettings, the names, the
// limits. The CLI maps its flags onto StylizeOptions; the config file's defaults come in as
// RunDefaults (only with loadConfig). Checked here, before anything is read or sent.
import { WATERMARK_LANGUAGES, WATERMARK_POSITIONS, type LogoInfo } from '../api/request-body.js';
import { resolveStyle, STYLES, type Style } from '../catalog/styles.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, MAX_CONCURRENCY } from '../core/defaults.js';
import { parseDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { parseUsd, type MicroUsd } from '../core/money.js';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate, type NameTemplate } from '../naming/template.js';
import type { RunSettings } from '../runner/run-settings.js';
import { parseShard, type Shard } from '../runner/shard.js';
import type { StylizeOptions } from './types.js';

/** The config file's say in a run (config set default-style, out-dir, concurrency, name-template). */
export interface RunDefaults {
  readonly style?: string;
  readonly outDir?: string;
  readonly concurrency?: number;
  readonly nameTemplate?: string;
}

export interface ResolvedRun {
  readonly styles: readonly Style[];
  readonly settings: RunSettings;
  readonly nameTemplate: NameTemplate;
  readonly outDir: string | undefined;
  readonly concurrency: number;
  readonly budgetMicro: MicroUsd | null;
  readonly maxTasks: number | undefined;
  readonly shard: Shard | undefined;
  readonly failFast: boolean;
}

export function resolveRun(options: StylizeOptions, defaults: RunDefaults, rescueFolder: string | null): ResolvedRun {
  return {
    styles: resolveStyles(options.styles ?? defaults.style, options.subStyle),
    settings: resolveRunSettings(options, rescueFolder),
    nameTemplate: parseNameTemplate(options.name ?? defaults.nameTemplate ?? DEFAULT_NAME_TEMPLATE),
    outDir: options.outDir ?? defaults.outDir,
    concurrency: resolveConcurrency(options.concurrency ?? defaults.concurrency ?? DEFAULT_CONCURRENCY),
    budgetMicro: resolveBudget(options.budget),
    maxTasks: resolveMaxTasks(options.maxTasks),
    shard:
      options.shard === undefined
        ? undefined
        : typeof options.shard === 'string'
          ? parseShard(options.shard)
          : parseShard(`${options.shard.index}/${options.shard.count}`),
    failFast: options.failFast === true,
  };
}

/** One alias or req_key, a comma list or an array, or "all". */
function resolveStyles(typed: string | readonly string[] | undefined, subStyle: string | undefined): Style[] {
  const names = (typeof typed === 'string' ? typed.split(',') : (typed ?? [])).map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) {
    throw new UsageError('no style given: pass --style <alias>, or set a default with `spark-style config set default-style <alias>`', {
      code: 'missing-style',
      hint: `Run \`spark-style styles\` to list the ${STYLES.length} styles.`,
    });
  }
  if (names.length === 1 && names[0]!.toLowerCase() === 'all') {
    if (subStyle) throw new UsageError('--sub-style does not go with --style all');
    return [...STYLES];
  }
  if (names.length > 1 && subStyle) throw new UsageError('--sub-style goes with a single --style');
  const styles = names.map((name) => resolveStyle(name, subStyle));
  return styles.filter((style, index) => styles.findIndex((other) => other.alias === style.alias) === index);
}

/** Any watermark option implies the watermark: nobody sets a position for a watermark they do not want. */
function resolveLogo(watermark: StylizeOptions['watermark']): LogoInfo | null {
  if (!watermark) return null;
  const logo: LogoInfo = { add_logo: true };
  if (watermark === true) return logo;
  if (watermark.position !== undefined) {
    if (!(watermark.position in WATERMARK_POSITIONS))
      throw new UsageError(`watermark position "${watermark.position}" is not one of ${Object.keys(WATERMARK_POSITIONS).join(', ')}`);
    logo.position = WATERMARK_POSITIONS[watermark.position];
  }
  if (watermark.language !== undefined) {
    if (!(watermark.language in WATERMARK_LANGUAGES)) throw new UsageError(`watermark language "${watermark.language}" is not zh or en`);
    logo.language = WATERMARK_LANGUAGES[watermark.language];
  }
  if (watermark.opacity !== undefined) {
    if (!(watermark.opacity >= 0 && watermark.opacity <= 1)) throw new UsageError('watermark opacity must be between 0 and 1');
    logo.opacity = watermark.opacity;
  }
  if (watermark.text !== undefined) logo.logo_text_content = watermark.text;
  return logo;
}

/** `rescueFolder`: where a paid result goes when neither its name nor its output folder can take it. */
function resolveRunSettings(options: StylizeOptions, rescueFolder: string | null): RunSettings {
  const fix = options.fix ? { keepMetadata: options.fix !== true && options.fix.keepMetadata === true } : null;
  if (options.keepGps && options.provenance === false)
    throw new UsageError('--keep-gps copies GPS into the provenance that --no-provenance leaves out: use one of them');
  return {
    overwrite: options.overwrite === true,
    returnUrl: options.returnUrl !== false,
    logo: resolveLogo(options.watermark),
    timeoutMs: resolveTimeout(options.timeout),
    retryFailed: options.retryFailed === true,
    resendUnknown: options.resendUnknown === true,
    fix,
    convert: options.convert !== false,
    saving: { provenance: options.provenance !== false, keepGps: options.keepGps === true, rescueFolder },
  };
}

/** ms, or a duration as typed ("90", "90s", "5m"). */
export function resolveTimeout(timeout: number | string | undefined, optionName = '--timeout'): number {
  if (timeout === undefined) return parseDuration(DEFAULT_TIMEOUT, optionName);
  if (typeof timeout === 'string') return parseDuration(timeout, optionName);
  if (!(Number.isFinite(timeout) && timeout > 0)) throw new UsageError(`${optionName} must be more than zero`, { code: 'invalid-duration' });
  return timeout;
}

function resolveConcurrency(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new UsageError(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}`, { code: 'invalid-concurrency' });
  }
  return concurrency;
}

/** USD as a number (2.5) or as typed ("2.50", "$5"), to the micro-dollar. */
function resolveBudget(budget: number | string | undefined): MicroUsd | null {
  if (budget === undefined) return null;
  const text = (typeof budget === 'number' ? String(budget) : budget).trim().replace(/^\$/, '');
  const micro = /^\d{1,9}(\.\d{1,6})?$/.test(text) ? parseUsd(text) : null;
  if (micro === null) throw new UsageError(`budget "${budget}" is not an amount in US dollars, such as 5 or 2.50`, { code: 'invalid-budget' });
  return micro;
}

function resolveMaxTasks(maxTasks: number | undefined): number | undefined {
  if (maxTasks === undefined) return undefined;
  if (!Number.isInteger(maxTasks) || maxTasks < 0) throw new UsageError('maxTasks must be a whole number, 0 or more', { code: 'invalid-max-tasks' });
  return maxTasks;
}
