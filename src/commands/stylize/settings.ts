import { WATERMARK_LANGUAGES, WATERMARK_POSITIONS, type LogoInfo } from '../../api/request-body.js';
import { resolveStyle, STYLES, type Style } from '../../catalog/styles.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import type { Settings } from '../../config/settings.js';
import type { RunSettings } from '../../runner/run-settings.js';
import type { StylizeOptions } from './define.js';

export const DEFAULT_CONCURRENCY = 4;

/** --style: one alias or req_key, a comma list, or "all"; falls back to config default-style. */
export function resolveStyles(options: Pick<StylizeOptions, 'style' | 'subStyle'>, settings: Pick<Settings, 'get'>): Style[] {
  const typed = options.style ?? (settings.get('default-style') as string | undefined);
  if (!typed) {
    throw new UsageError('no style given: pass --style <alias>, or set a default with `spark-style config set default-style <alias>`', {
      code: 'missing-style',
      hint: 'Run `spark-style styles` to list the 22 styles.',
    });
  }
  if (typed.trim().toLowerCase() === 'all') {
    if (options.subStyle) throw new UsageError('--sub-style does not go with --style all');
    return [...STYLES];
  }
  const names = typed.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length > 1 && options.subStyle) throw new UsageError('--sub-style goes with a single --style');
  const styles = names.map((name) => resolveStyle(name, options.subStyle));
  return styles.filter((style, index) => styles.findIndex((other) => other.alias === style.alias) === index);
}

/** Any --watermark-* option implies --watermark: nobody sets a position for a watermark they do not want. */
export function resolveLogo(options: StylizeOptions): LogoInfo | null {
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

export function resolveRunSettings(options: StylizeOptions): RunSettings {
  if (options.keepMetadata && !options.fix) throw new UsageError('--keep-metadata goes with --fix');
  return {
    overwrite: options.overwrite === true,
    returnUrl: options.returnUrl,
    logo: resolveLogo(options),
    timeoutMs: parseDuration(options.timeout ?? '600'),
    retryFailed: options.retryFailed === true,
    resendUnknown: options.resendUnknown === true,
    fix: options.fix ? { keepMetadata: options.keepMetadata === true } : null,
  };
}

export function resolveConcurrency(options: StylizeOptions, settings: Pick<Settings, 'get'>): number {
  const configured = settings.get('concurrency');
  return options.concurrency ?? (typeof configured === 'number' ? configured : DEFAULT_CONCURRENCY);
}
