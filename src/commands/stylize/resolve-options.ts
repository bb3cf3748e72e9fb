// What stylize's flags and the config file resolve to: the styles, the RunSettings, the concurrency, the names.
import { WATERMARK_LANGUAGES, WATERMARK_POSITIONS, type LogoInfo } from '../../api/request-body.js';
import { resolveStyle, STYLES, type Style } from '../../catalog/styles.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT } from '../../core/defaults.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import type { ConfigFile } from '../../config/config-file.js';
import type { RunSettings } from '../../runner/run-settings.js';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate, type NameTemplate } from '../../naming/template.js';
import type { StylizeOptions } from './define.js';

/** --style: one alias or req_key, a comma list, or "all"; falls back to config default-style. */
export function resolveStyles(options: Pick<StylizeOptions, 'style' | 'subStyle'>, config: Pick<ConfigFile, 'get'>): Style[] {
  const typed = options.style ?? (config.get('default-style') as string | undefined);
  if (!typed) {
    throw new UsageError('no style given: pass --style <alias>, or set a default with `spark-style config set default-style <alias>`', {
      code: 'missing-style',
      hint: `Run \`spark-style styles\` to list the ${STYLES.length} styles.`,
    });
  }
  if (typed.trim().toLowerCase() === 'all') {
    if (options.subStyle) throw new UsageError('--sub-style does not go with --style all');
    return [...STYLES];
  }
  const names = typed
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length > 1 && options.subStyle) throw new UsageError('--sub-style goes with a single --style');
  const styles = names.map((name) => resolveStyle(name, options.subStyle));
  return styles.filter((style, index) => styles.findIndex((other) => other.alias === style.alias) === index);
}

/** Any --watermark-* option implies --watermark: nobody sets a position for a watermark they do not want. */
function resolveLogo(options: StylizeOptions): LogoInfo | null {
  const wanted =
    options.watermark ||
    options.watermarkPosition !== undefined ||
    options.watermarkLanguage !== undefined ||
    options.watermarkOpacity !== undefined ||
    options.watermarkText !== undefined;
  if (!wanted) return null;
  const logo: LogoInfo = { add_logo: true };
  if (options.watermarkPosition) logo.position = WATERMARK_POSITIONS[options.watermarkPosition];
  if (options.watermarkLanguage) logo.language = WATERMARK_LANGUAGES[options.watermarkLanguage];
  if (options.watermarkOpacity !== undefined) logo.opacity = options.watermarkOpacity;
  if (options.watermarkText !== undefined) logo.logo_text_content = options.watermarkText;
  return logo;
}

/** `rescueFolder`: where a paid result goes when neither its name nor its output folder can take it. */
export function resolveRunSettings(options: StylizeOptions, rescueFolder: string | null = null): RunSettings {
  if (options.keepMetadata && !options.fix) throw new UsageError('--keep-metadata goes with --fix');
  if (options.keepGps && options.provenance === false)
    throw new UsageError('--keep-gps copies GPS into the provenance that --no-provenance leaves out: use one of them');
  return {
    overwrite: options.overwrite === true,
    returnUrl: options.returnUrl,
    logo: resolveLogo(options),
    timeoutMs: parseDuration(options.timeout ?? DEFAULT_TIMEOUT),
    retryFailed: options.retryFailed === true,
    resendUnknown: options.resendUnknown === true,
    fix: options.fix ? { keepMetadata: options.keepMetadata === true } : null,
    convert: options.convert !== false,
    saving: { provenance: options.provenance !== false, keepGps: options.keepGps === true, rescueFolder },
  };
}

export function resolveConcurrency(options: StylizeOptions, config: Pick<ConfigFile, 'get'>): number {
  const configured = config.get('concurrency');
  return options.concurrency ?? (typeof configured === 'number' ? configured : DEFAULT_CONCURRENCY);
}

/** --name, else config name-template, else today's naming; checked before anything is read or sent. */
export function resolveNameTemplate(options: Pick<StylizeOptions, 'name'>, config: Pick<ConfigFile, 'get'>): NameTemplate {
  const configured = config.get('name-template');
  return parseNameTemplate(options.name ?? (typeof configured === 'string' ? configured : DEFAULT_NAME_TEMPLATE));
}
