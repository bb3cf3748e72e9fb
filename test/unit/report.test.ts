import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'node-html-parser';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findStyleByAlias, type Style } from '../../src/catalog/styles.js';
import type { FinishedRun } from '../../src/commands/stylize/after-run.js';
import { writeReport } from '../../src/report/write.js';
import type { ItemOutcome } from '../../src/engine/types.js';
import type { PlannedItem } from '../../src/runner/plan.js';
import { summarize } from '../../src/engine/summary.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-report-secret-0123456789';
const HOSTILE = `<img src=x onerror="alert('${KEY}')"><script>alert(1)</script>&amp;`;

const style = (alias: string): Style => findStyleByAlias(alias)!;

function result(item: PlannedItem, fields: Partial<ItemOutcome>): ItemOutcome {
  return {
    input: item.input,
    source: item.source.kind,
    style: item.style.alias,
    status: 'saved',
    output: null,
    task_id: null,
    cost: null,
    error: null,
    errorKind: null,
    created: true,
    notes: [],
    ...fields,
  };
}

/** A finished run over real files: two photos (one with a hostile name), saved, skipped, failed and missing results. */
async function finishedRun(dir: string): Promise<FinishedRun> {
  const photos = join(dir, 'photos');
  const art = join(dir, 'art');
  mkdirSync(photos);
  mkdirSync(art);
  const first = join(photos, 'bridge #1.jpg');
  const second = join(photos, `odd "name" <b>.png`);
  writeFileSync(first, await makeImage(1200, 900));
  writeFileSync(second, await makeImage(900, 1200, 'png'));
  const saved = join(art, 'bridge #1.ghibli.jpg');
  writeFileSync(saved, await makeImage(1200, 900));
  const skipped = join(art, 'bridge #1.clay.png');
  writeFileSync(skipped, await makeImage(1200, 900, 'png'));
  const items: PlannedItem[] = [
    {
      index: 0,
      source: { kind: 'file', path: first, relativeDir: '' },
      input: first,
      style: style('ghibli'),
      output: null,
      outputBase: join(art, 'bridge #1.ghibli'),
    },
    {
      index: 1,
      source: { kind: 'file', path: first, relativeDir: '' },
      input: first,
      style: style('clay'),
      output: null,
      outputBase: join(art, 'bridge #1.clay'),
    },
    {
      index: 2,
      source: { kind: 'file', path: second, relativeDir: '' },
      input: second,
      style: style('ghibli'),
      output: null,
      outputBase: join(art, 'odd.ghibli'),
    },
    { index: 3, source: { kind: 'file', path: second, relativeDir: '' }, input: second, style: style('clay'), output: null, outputBase: join(art, 'odd.clay') },
    {
      index: 4,
      source: { kind: 'url', url: 'https://example.com/cat.jpg' },
      input: 'https://example.com/cat.jpg',
      style: style('ghibli'),
      output: null,
      outputBase: join(art, 'cat.ghibli'),
    },
  ];
  const results: ItemOutcome[] = [
    result(items[0]!, { output: saved, task_id: 'task-saved-1', cost: '0.0300' }),
    result(items[1]!, { status: 'skipped', output: skipped, created: false, hint: 'it exists; --overwrite replaces it' }),
    result(items[2]!, {
      status: 'failed',
      task_id: 'task-failed-2',
      cost: '0.0000',
      error: { code: '003008096', message: `server said ${HOSTILE}` },
      errorKind: 'task-failed',
      hint: 'try another photo',
    }),
    result(items[3]!, {
      status: 'failed',
      error: { code: 'min-size', message: 'the short side is 500 px, under 600' },
      errorKind: 'input',
      created: false,
      hint: 'use --fix to upscale it',
    }),
    result(items[4]!, {
      status: 'interrupted',
      task_id: 'task-running-5',
      error: { code: 'interrupted', message: 'stopped waiting' },
      errorKind: 'interrupted',
    }),
  ];
  return { items: results, summary: summarize(results, 12_345), interrupted: true, offline: false, secrets: [KEY] };
}

describe('the HTML report', () => {
  it('holds every item and failure, every image resolves, all text is escaped, and the key never appears', async () => {
    const dir = tempDir();
    const run = await finishedRun(dir);
    const target = join(dir, 'reports', 'report.html');
    const saved = await writeReport(target, run, new Date('2026-11-27T08:00:00Z'));
    expect(saved).toBe(target);
    const text = readFileSync(target, 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/<script>alert/);
    const root = parse(text);

    // Nothing may load from anywhere: the policy allows only data: images and our own inline code.
    const csp = root.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    expect(csp).toMatch(/default-src 'none'; img-src data:;/);
    expect(root.querySelectorAll('script')).toHaveLength(1);
    expect(root.querySelectorAll('script')[0]!.getAttribute('src')).toBeUndefined();

    // Every image is an inline thumbnail that decodes, and every link is a relative path to a file that exists.
    const images = root.querySelectorAll('img');
    expect(images).toHaveLength(2 + 2); // two originals, one saved and one skipped result
    for (const img of images) {
      const src = img.getAttribute('src')!;
      expect(src.startsWith('data:image/jpeg;base64,')).toBe(true);
      const meta = await sharp(Buffer.from(src.slice(src.indexOf(',') + 1), 'base64')).metadata();
      expect(meta.width).toBeLessThanOrEqual(240);
      const href = img.parentNode!.getAttribute('href')!;
      expect(href).not.toMatch(/^[a-z]+:|^\//i);
      expect(existsSync(resolve(dirname(target), decodeURIComponent(href)))).toBe(true);
    }
    expect(images.map((img) => decodeURIComponent(img.parentNode!.getAttribute('href')!))).toContain('../art/bridge #1.ghibli.jpg');

    // Grouped by photo, every item there with its style, status, task id, cost and failure; a local
    // input typed as an absolute path is shown relative to the report (no home folder in a shared page).
    const sections = root.querySelectorAll('section.photo');
    expect(sections.map((section) => section.querySelector('h2')!.text)).toEqual([
      '../photos/bridge #1.jpg',
      '../photos/odd "name" <b>.png',
      'https://example.com/cat.jpg',
    ]);
    expect(text).not.toContain(dir);
    const items = root.querySelectorAll('article.item');
    expect(items.map((item) => [item.getAttribute('data-style'), item.getAttribute('data-status')])).toEqual(run.items.map((r) => [r.style, r.status]));
    expect(items[0]!.text).toContain('task-saved-1');
    expect(items[0]!.text).toContain('$0.0300');
    const failed = items[2]!;
    expect(failed.getAttribute('data-failed')).toBe('true');
    expect(failed.querySelector('.error code')!.text).toBe('003008096');
    expect(failed.querySelector('.error')!.text).toContain(`server said <img src=x onerror="alert('[redacted]')"><script>alert(1)</script>&amp;`);
    expect(failed.querySelector('.hint')!.text).toBe('try another photo');
    expect(items[3]!.querySelector('.error code')!.text).toBe('min-size');
    expect(items[3]!.querySelector('.hint')!.text).toBe('use --fix to upscale it');
    expect(items[4]!.text).toContain('task-running-5');

    // Totals and the style filter's choices.
    const totals = root.querySelector('#totals')!.text.replace(/\s+/g, ' ');
    expect(totals).toContain('items 5');
    expect(totals).toContain('failed 2');
    expect(totals).toContain('cost $0.0300');
    expect(root.querySelectorAll('#style-filter option').map((option) => option.getAttribute('value'))).toEqual(['', 'ghibli', 'clay']);
  });

  it('replaces its own earlier report, and never a file that is not one', async () => {
    const dir = tempDir();
    const run = await finishedRun(dir);
    const target = join(dir, 'report.html');
    await writeReport(target, run);
    expect(await writeReport(target, run)).toBe(target);
    const other = join(dir, 'notes.html');
    writeFileSync(other, '<p>my notes</p>');
    expect(await writeReport(other, run)).toBe(join(dir, 'notes-2.html'));
    expect(readFileSync(other, 'utf8')).toBe('<p>my notes</p>');
    expect(
      readdirSync(dir)
        .filter((name) => name.endsWith('.html'))
        .sort(),
    ).toEqual(['notes-2.html', 'notes.html', 'report.html']);
  });
});
