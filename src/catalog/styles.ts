import { UsageError } from '../core/errors.js';

/**
 * The style catalog: the single source of truth for every style the provider offers.
 * Rows follow the order of the provider's page (spark_style_template.txt). A row with a
 * sub_req_key is one sub-style of a req_key that requires one.
 */
export interface Style {
  /** What users type: `--style ghibli`. Also the middle part of output names. */
  readonly alias: string;
  /** The provider's English name. */
  readonly name: string;
  readonly reqKey: string;
  readonly subReqKey: string | null;
}

export const STYLES: readonly Style[] = [
  { alias: 'ghibli', name: 'Influencer Anime Style', reqKey: 'img2img_ghibli_style_usage', subReqKey: null },
  { alias: 'realistic', name: 'Realistic Style', reqKey: 'img2img_real_mix_style_usage', subReqKey: null },
  { alias: 'angel', name: 'Angel Style', reqKey: 'img2img_makoto_style_usage', subReqKey: null },
  { alias: 'anime', name: 'Anime Style', reqKey: 'img2img_cartoon_style_usage', subReqKey: null },
  { alias: 'princess', name: 'Princess Style', reqKey: 'img2img_rev_animated_style_usage', subReqKey: null },
  { alias: 'dreamy', name: 'Dreamy Style', reqKey: 'img2img_blueline_style_usage', subReqKey: null },
  { alias: 'ink-wash', name: 'Ink Wash Style', reqKey: 'img2img_water_ink_style_usage', subReqKey: null },
  { alias: 'new-monet', name: 'New Monet Garden', reqKey: 'i2i_ai_create_monet_usage', subReqKey: null },
  { alias: 'watercolor', name: 'Watercolor Style', reqKey: 'img2img_water_paint_style_usage', subReqKey: null },
  { alias: 'monet', name: 'Monet Garden', reqKey: 'img2img_comic_style_usage', subReqKey: 'img2img_comic_style_monet' },
  { alias: 'marvel', name: 'Exquisite Marvel', reqKey: 'img2img_comic_style_usage', subReqKey: 'img2img_comic_style_marvel' },
  { alias: 'cyber', name: 'Cyber Mechanical', reqKey: 'img2img_comic_style_usage', subReqKey: 'img2img_comic_style_future' },
  { alias: 'korean-comic', name: 'Exquisite Korean Comic', reqKey: 'img2img_exquisite_style_usage', subReqKey: null },
  { alias: 'chinese-ink', name: 'Chinese Ink Style', reqKey: 'img2img_pretty_style_usage', subReqKey: 'img2img_pretty_style_ink' },
  { alias: 'romantic-light', name: 'Romantic Light', reqKey: 'img2img_pretty_style_usage', subReqKey: 'img2img_pretty_style_light' },
  { alias: 'ceramic', name: 'Ceramic Doll', reqKey: 'img2img_ceramics_style_usage', subReqKey: null },
  { alias: 'chinese-red', name: 'Chinese Red', reqKey: 'img2img_chinese_style_usage', subReqKey: null },
  { alias: 'clay', name: 'Cute Clay', reqKey: 'img2img_clay_style_usage', subReqKey: 'img2img_clay_style_3d' },
  { alias: 'cute-doll', name: 'Cute Doll', reqKey: 'img2img_clay_style_usage', subReqKey: 'img2img_clay_style_bubble' },
  { alias: '3d-game', name: '3D Game Z-Era', reqKey: 'img2img_3d_style_usage', subReqKey: 'img2img_3d_style_era' },
  { alias: 'animation-movie', name: 'Animation Movie', reqKey: 'img2img_3d_style_usage', subReqKey: 'img2img_3d_style_movie' },
  { alias: 'doll', name: 'Doll', reqKey: 'img2img_3d_style_usage', subReqKey: 'img2img_3d_style_doll' },
];

/** Every req_key, in catalog order. */
export const REQ_KEYS: readonly string[] = [...new Set(STYLES.map((style) => style.reqKey))];

/** The sub_req_keys that belong to a req_key (empty when it takes none). */
export function subReqKeysOf(reqKey: string): string[] {
  return STYLES.filter((style) => style.reqKey === reqKey && style.subReqKey !== null).map((style) => style.subReqKey!);
}

export function findStyleByKeys(reqKey: string, subReqKey: string | null | undefined): Style | undefined {
  return STYLES.find((style) => style.reqKey === reqKey && style.subReqKey === (subReqKey ?? null));
}

export function findStyleByAlias(alias: string): Style | undefined {
  const wanted = alias.trim().toLowerCase();
  return STYLES.find((style) => style.alias === wanted);
}

/**
 * Turns what the user typed (`--style`, optionally `--sub-style`) into a catalog style.
 * Accepts an alias, or a raw req_key (with a raw sub_req_key or alias via --sub-style when
 * that req_key needs one). Anything else is a usage error, with a suggestion.
 */
export function resolveStyle(styleArgument: string, subStyleArgument?: string): Style {
  const typed = styleArgument.trim();
  const byAlias = findStyleByAlias(typed);
  if (byAlias) {
    if (subStyleArgument !== undefined && resolveSubKey(byAlias.reqKey, subStyleArgument) !== byAlias.subReqKey) {
      throw new UsageError(`--sub-style ${subStyleArgument} does not go with --style ${byAlias.alias}`, {
        code: 'invalid-sub-style',
        hint: `${byAlias.alias} already selects ${byAlias.subReqKey ?? 'no sub-style'}; drop --sub-style`,
      });
    }
    return byAlias;
  }
  if (REQ_KEYS.includes(typed)) {
    const subKeys = subReqKeysOf(typed);
    if (subKeys.length === 0) {
      if (subStyleArgument !== undefined) {
        throw new UsageError(`${typed} takes no --sub-style (got ${subStyleArgument})`, { code: 'invalid-sub-style' });
      }
      return findStyleByKeys(typed, null)!;
    }
    if (subStyleArgument === undefined) {
      throw new UsageError(`${typed} needs --sub-style, one of: ${subKeys.join(', ')}`, { code: 'missing-sub-style' });
    }
    return findStyleByKeys(typed, resolveSubKey(typed, subStyleArgument))!;
  }
  throw unknownStyle(typed);
}

function resolveSubKey(reqKey: string, subStyleArgument: string): string {
  const typed = subStyleArgument.trim();
  const subKeys = subReqKeysOf(reqKey);
  const viaAlias = findStyleByAlias(typed);
  const subKey = viaAlias?.reqKey === reqKey ? viaAlias.subReqKey : typed;
  if (subKey === null || !subKeys.includes(subKey)) {
    throw new UsageError(
      `--sub-style ${typed} does not belong to ${reqKey}${subKeys.length ? `; it takes one of: ${subKeys.join(', ')}` : '; it takes none'}`,
      { code: 'invalid-sub-style' },
    );
  }
  return subKey;
}

function unknownStyle(typed: string): UsageError {
  const suggestion = closestAlias(typed);
  return new UsageError(`unknown style "${typed}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, {
    code: 'unknown-style',
    hint: `Run \`spark-style styles\` to list the ${STYLES.length} styles.`,
  });
}

/** Edit distance, small enough not to need a dependency on the startup path. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function closestAlias(typed: string): string | undefined {
  const lower = typed.toLowerCase();
  const candidates = STYLES.map((style) => ({
    alias: style.alias,
    distance: Math.min(editDistance(lower, style.alias), style.alias.startsWith(lower) && lower.length >= 3 ? 1 : Infinity),
  }));
  candidates.sort((a, b) => a.distance - b.distance);
  const best = candidates[0]!;
  return best.distance <= Math.max(2, Math.floor(best.alias.length / 3)) ? best.alias : undefined;
}
