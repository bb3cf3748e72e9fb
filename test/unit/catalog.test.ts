import { describe, expect, it } from 'vitest';
import { REQ_KEYS, STYLES, resolveStyle, subReqKeysOf } from '../../src/catalog/styles.js';
import { UsageError } from '../../src/core/errors.js';

// Transcribed from the provider's page (spark_style_template.txt), in its order.
const SEED_REQ_KEYS = [
  'img2img_ghibli_style_usage',
  'img2img_real_mix_style_usage',
  'img2img_makoto_style_usage',
  'img2img_cartoon_style_usage',
  'img2img_rev_animated_style_usage',
  'img2img_blueline_style_usage',
  'img2img_water_ink_style_usage',
  'i2i_ai_create_monet_usage',
  'img2img_water_paint_style_usage',
  'img2img_comic_style_usage',
  'img2img_exquisite_style_usage',
  'img2img_pretty_style_usage',
  'img2img_ceramics_style_usage',
  'img2img_chinese_style_usage',
  'img2img_clay_style_usage',
  'img2img_3d_style_usage',
];
const SEED_SUB_KEYS: Record<string, string[]> = {
  img2img_comic_style_usage: ['img2img_comic_style_monet', 'img2img_comic_style_marvel', 'img2img_comic_style_future'],
  img2img_pretty_style_usage: ['img2img_pretty_style_ink', 'img2img_pretty_style_light'],
  img2img_clay_style_usage: ['img2img_clay_style_3d', 'img2img_clay_style_bubble'],
  img2img_3d_style_usage: ['img2img_3d_style_era', 'img2img_3d_style_movie', 'img2img_3d_style_doll'],
};

describe('style catalog', () => {
  it('has every req_key of the seed, in its order', () => {
    expect(REQ_KEYS).toEqual(SEED_REQ_KEYS);
  });

  it('binds each of the 10 sub_req_keys to its own req_key', () => {
    for (const reqKey of SEED_REQ_KEYS) expect(subReqKeysOf(reqKey)).toEqual(SEED_SUB_KEYS[reqKey] ?? []);
    expect(STYLES.filter((style) => style.subReqKey !== null)).toHaveLength(10);
  });

  it('offers exactly the 22 aliases, in the seed order', () => {
    expect(STYLES.map((style) => style.alias)).toEqual([
      'ghibli',
      'realistic',
      'angel',
      'anime',
      'princess',
      'dreamy',
      'ink-wash',
      'new-monet',
      'watercolor',
      'monet',
      'marvel',
      'cyber',
      'korean-comic',
      'chinese-ink',
      'romantic-light',
      'ceramic',
      'chinese-red',
      'clay',
      'cute-doll',
      '3d-game',
      'animation-movie',
      'doll',
    ]);
  });

  it('keeps monet and new-monet apart', () => {
    expect(resolveStyle('monet')).toMatchObject({ reqKey: 'img2img_comic_style_usage', subReqKey: 'img2img_comic_style_monet', name: 'Monet Garden' });
    expect(resolveStyle('new-monet')).toMatchObject({ reqKey: 'i2i_ai_create_monet_usage', subReqKey: null, name: 'New Monet Garden' });
  });

  it('accepts a raw req_key that needs no sub-key, and a raw sub-key with --sub-style', () => {
    expect(resolveStyle('img2img_water_ink_style_usage').alias).toBe('ink-wash');
    expect(resolveStyle('img2img_3d_style_usage', 'img2img_3d_style_movie').alias).toBe('animation-movie');
    expect(resolveStyle('img2img_comic_style_usage', 'marvel').alias).toBe('marvel');
  });

  it('refuses a sub-key that belongs to another req_key, or a missing one', () => {
    expect(() => resolveStyle('img2img_comic_style_usage', 'img2img_clay_style_3d')).toThrow(/does not belong to img2img_comic_style_usage/);
    expect(() => resolveStyle('img2img_comic_style_usage')).toThrow(/needs --sub-style/);
    expect(() => resolveStyle('img2img_ghibli_style_usage', 'img2img_clay_style_3d')).toThrow(/takes no --sub-style/);
    expect(() => resolveStyle('marvel', 'img2img_comic_style_monet')).toThrow(UsageError);
  });

  it('suggests the closest alias for a typo, as a usage error', () => {
    const attempt = () => resolveStyle('watercolour');
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/did you mean "watercolor"/);
    expect(() => resolveStyle('ghilbi')).toThrow(/did you mean "ghibli"/);
    expect(() => resolveStyle('zzzzzzzzzz')).not.toThrow(/did you mean/);
  });
});
