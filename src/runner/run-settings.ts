import type { LogoInfo } from '../api/request-body.js';
import type { FixOptions } from '../image/prepare.js';
import type { SavingSettings } from './save.js';

/** Everything about a run that shapes each item. */
export interface RunSettings {
  readonly overwrite: boolean;
  readonly returnUrl: boolean;
  readonly logo: LogoInfo | null;
  readonly timeoutMs: number;
  readonly retryFailed: boolean;
  /** Send again the items whose earlier create has an unknown outcome (and may pay twice). */
  readonly resendUnknown: boolean;
  readonly fix: FixOptions | null;
  /** Convert formats the API cannot take without --fix (default true; false with --no-convert). Not in the item key. */
  readonly convert?: boolean;
  /** Provenance and where a result goes when its name cannot take it (runner/save.ts). */
  readonly saving: SavingSettings;
}

/**
 * The options of a create, as recorded with each attempt in the ledger. Only those that change
 * the picture (logo_info) go into the item key (ledger/item-key.ts pictureOptions): return_url
 * changes how the same picture is delivered, and --fix how the same photo is sent.
 */
export function resultOptions(settings: RunSettings): Record<string, unknown> {
  return { return_url: settings.returnUrl, logo_info: settings.logo, fix: settings.fix };
}
