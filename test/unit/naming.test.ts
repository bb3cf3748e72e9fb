import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStyle } from '../../src/catalog/styles.js';
import { UsageError } from '../../src/core/errors.js';
import { NAME_MAX_BYTES } from '../../src/naming/name-bytes.js';
import { datesForNames } from '../../src/naming/dates.js';
import { findSavedResult, inspectDestination } from '../../src/naming/done.js';
import { outputInFolder, resultPath, type PlannedOutput } from '../../src/naming/output-path.js';
import { DEFAULT_NAME_TEMPLATE, expandName, parseNameTemplate } from '../../src/naming/template.js';
import { resolveRun } from '../../src/engine/run-options.js';
import { planItems } from '../../src/runner/plan.js';
import { writeAtomically } from '../../src/naming/write-atomically.js';
import { saveResult } from '../../src/runner/save.js';
import { tempDir } from '../helpers/tmp.js';

const ghibli = resolveStyle('ghibli');
const marvel = resolveStyle('marvel');
const bytes = (name: string) => Buffer.byteLength(name, 'utf8');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x02]);
const plan = (template: string, sources: Parameters<typeof planItems>[0], out: string | undefined = 'out', dates = new Map<string, string>()) =>
  planItems(sources, [ghibli, marvel], out, { template: parseNameTemplate(template), dates });
const file = (path: string, relativeDir = '') => ({ kind: 'file' as const, path, relativeDir });

describe('name templates', () => {
  it("the default is today's naming: <stem>.<alias>.<ext> beside the input or under --out, subfolders kept", () => {
    const items = planItems([file('shots/a.jpg'), file('shots/2024/b.jpg', '2024')], [ghibli], undefined, {
      template: parseNameTemplate(DEFAULT_NAME_TEMPLATE),
      dates: new Map(),
    });
    expect(items.map((item) => item.outputBase)).toEqual(['shots/a.ghibli', 'shots/2024/b.ghibli']);
    expect(planItems([file('shots/2024/b.jpg', '2024')], [ghibli], 'out')[0]!.outputBase).toBe('out/2024/b.ghibli');
    expect(resultPath(items[0]!.output!, { extension: 'png', taskId: 't1', index: 1 })).toBe('shots/a.ghibli-2.png');
  });

  it('expands {style} folders, {date} and {task}', () => {
    expect(plan('{style}/{stem}.{ext}', [file('a.jpg')]).map((item) => item.outputBase)).toEqual(['out/ghibli/a', 'out/marvel/a']);
    const dated = plan('{date}/{dir}/{stem}.{style}.{ext}', [file('in/x/a.jpg', 'x')], 'out', new Map([['in/x/a.jpg', '2024-05-01']]));
    expect(dated[0]!.outputBase).toBe('out/2024-05-01/x/a.ghibli');
    // Two styles on one name pattern would make one style's result look like the other's: refused.
    expect(() => plan('{stem}-{task}.{ext}', [file('a.jpg')])).toThrow(UsageError);
    const tasked = planItems([file('a.jpg')], [ghibli], 'out', { template: parseNameTemplate('{stem}-{task}.{ext}'), dates: new Map() });
    expect(tasked[0]!.outputBase).toBe('out/a-{task}');
    expect(resultPath(tasked[0]!.output!, { extension: 'jpg', taskId: 'd758n65e', index: 0 })).toBe('out/a-d758n65e.jpg');
    // Server text never shapes a path: an odd id is reduced to a safe alphabet.
    expect(resultPath(tasked[0]!.output!, { extension: 'jpg', taskId: '../../x\u001b', index: 0 })).toBe('out/a-______x_.jpg');
  });

  it.each([
    ['/abs/{stem}.{ext}', /absolute path would leave the output folder/],
    ['../{stem}.{ext}', /"\.\." would leave the output folder/],
    ['{stem}/../../{stem}.{ext}', /"\.\." would leave/],
    ['{stem}.{colour}.{ext}', /unknown field \{colour\}/],
    ['{stem}.{style}', /must end with "\.\{ext\}"/],
    ['{stem}.{ext}.{ext}', /use \{ext\} once|must end/],
    ['{task}/{stem}.{ext}', /\{task\} and \{ext\} belong in the file name/],
    ['x{dir}/{stem}.{ext}', /\{dir\} stands for folders/],
    ['{stem.{ext}', /unbalanced|unknown field/],
    ['{task}-{task}.{ext}', /at most once/],
    ['', /empty/],
  ])('refuses %j before anything is sent', (template, message) => {
    let error: unknown;
    try {
      parseNameTemplate(template);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
  });

  it('refuses two items that would land on one name, naming both, with a hint', () => {
    expect(() => plan('{stem}.{ext}', [file('a.jpg')])).toThrow(/a\.jpg as ghibli and a\.jpg as marvel would both be saved as out\/a\.\*/);
    let error: UsageError | undefined;
    try {
      plan('{style}/{stem}.{ext}', [file('in/2023/a.jpg', '2023'), file('in/2024/a.jpg', '2024')]);
    } catch (caught) {
      error = caught as UsageError;
    }
    expect(error?.code).toBe('output-collision');
    expect(error?.hint).toMatch(/add \{dir\}/);
    expect(() => plan('{style}/{dir}/{stem}.{ext}', [file('in/2023/a.jpg', '2023'), file('in/2024/a.jpg', '2024')])).not.toThrow();
  });
});

describe('results of earlier runs among the inputs', () => {
  it("a file where another input's result goes is that result, not a photo to stylize again", () => {
    const items = planItems(
      [file('p/a.jpg'), file('p/a.ghibli.jpg'), file('p/a.marvel.bin'), file('p/a.clay.png'), file('p/b.ghibli.jpg')],
      [ghibli, marvel],
      undefined,
    );
    expect(items.map((item) => `${item.input} ${item.style.alias}`)).toEqual([
      'p/a.jpg ghibli',
      'p/a.jpg marvel',
      'p/b.ghibli.jpg ghibli',
      'p/b.ghibli.jpg marvel',
    ]);
    const foldered = planItems([file('p/a.jpg'), file('p/ghibli/a.jpg', 'ghibli')], [ghibli], undefined, {
      template: parseNameTemplate('{style}/{stem}.{ext}'),
      dates: new Map(),
    });
    expect(foldered.map((item) => item.input)).toEqual(['p/a.jpg']);
  });

  it('a template that would save a result over its own photo is refused', () => {
    expect(() => planItems([file('p/a.jpg')], [ghibli], undefined, { template: parseNameTemplate('{stem}.{ext}'), dates: new Map() })).toThrow(
      /over the photo itself/,
    );
    // p/clay/a.jpg would be its own clay result, but this run asks for ghibli only.
    const styled = planItems([file('p/clay/a.jpg', 'clay')], [ghibli], undefined, { template: parseNameTemplate('{style}/{stem}.{ext}'), dates: new Map() });
    expect(styled.map((item) => item.outputBase)).toEqual(['p/ghibli/a']);
  });
});

describe('names are limited in bytes', () => {
  const cjk = '漢'.repeat(83); // 249 bytes in UTF-8: over the limit once ".ghibli.jpg" is added

  it('fits an 83-CJK-character stem, with room for -N suffixes and the longest extension', async () => {
    const dir = tempDir();
    const [item] = planItems([file(join(dir, `${cjk}.jpg`))], [ghibli], join(dir, 'out'));
    const name = resultPath(item!.output!, { extension: 'webp', taskId: null, index: 0 });
    const base = name.slice(join(dir, 'out').length + 1);
    expect(bytes(base)).toBeLessThanOrEqual(NAME_MAX_BYTES - 5);
    expect(base).toMatch(/^漢+~[0-9a-f]{6}\.ghibli\.webp$/);
    // And the file system takes it, even as the 1000th name taken.
    const saved = await writeAtomically(name, JPEG, false);
    const numbered = await writeAtomically(name, JPEG, false);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([saved, numbered].map((path) => path.slice(join(dir, 'out').length + 1)).sort());
    expect(bytes(`${base.replace('.webp', '')}-1000.webp`)).toBeLessThanOrEqual(NAME_MAX_BYTES);
  });

  it('keeps two long names that share a beginning apart, and the same name stable run after run', () => {
    const one = planItems([file(`${cjk}一.jpg`), file(`${cjk}二.jpg`)], [ghibli], 'out');
    expect(one[0]!.outputBase).not.toBe(one[1]!.outputBase);
    expect(planItems([file(`${cjk}一.jpg`)], [ghibli], 'out')[0]!.outputBase).toBe(one[0]!.outputBase);
  });

  it('leaves room for the longest task id with {task}, and refuses a template whose fixed text is too long', () => {
    const [item] = planItems([file(`${cjk}.jpg`)], [ghibli], 'out', { template: parseNameTemplate('{stem}.{task}.{ext}'), dates: new Map() });
    const name = resultPath(item!.output!, { extension: 'webp', taskId: 'x'.repeat(64), index: 1 });
    expect(bytes(name.slice(4))).toBeLessThanOrEqual(NAME_MAX_BYTES - 3);
    expect(
      () =>
        parseNameTemplate(`${'x'.repeat(250)}{stem}.{ext}`) &&
        expandName(parseNameTemplate(`${'x'.repeat(250)}{stem}.{ext}`), { stem: 'a', style: 'ghibli', dir: '', date: null }),
    ).toThrow(/longer than 255 bytes/);
  });

  it('check --fix and status --save names fit too', () => {
    const output = outputInFolder('ready', cjk);
    expect(bytes(resultPath(output, { extension: 'jpg', taskId: null, index: 0 }).slice(6))).toBeLessThanOrEqual(NAME_MAX_BYTES - 5);
    expect(resultPath(outputInFolder('art', null), { extension: 'png', taskId: 'abc123', index: 0 })).toBe('art/abc123.png');
    expect(resultPath(outputInFolder('art', 'a.ghibli.{task}'), { extension: 'png', taskId: 'abc123', index: 0 })).toBe('art/a.ghibli.abc123.png');
  });
});

describe('is this item done?', () => {
  it('finds a result under every extension the tool writes, .bin included', async () => {
    const dir = tempDir();
    const output = outputInFolder(dir, 'a.ghibli');
    expect(await inspectDestination(output)).toEqual({ state: 'free' });
    writeFileSync(join(dir, 'a.ghibli.bin'), 'odd result');
    expect(await findSavedResult(output)).toBe(join(dir, 'a.ghibli.bin'));
  });

  it('with {task} in the template, a file with any task id counts', async () => {
    const dir = tempDir();
    const [item] = planItems([file('a.jpg')], [ghibli], dir, { template: parseNameTemplate('{stem}.{style}.{task}.{ext}'), dates: new Map() });
    expect(await inspectDestination(item!.output!)).toEqual({ state: 'free' });
    writeFileSync(join(dir, 'a.ghibli.other-notes.txt'), '');
    mkdirSync(join(dir, 'a.ghibli.aaa.jpg'));
    expect(await inspectDestination(item!.output!)).toEqual({ state: 'free' });
    writeFileSync(join(dir, 'a.ghibli.d758n65e878c73cmdg20.png'), '');
    expect(await inspectDestination(item!.output!)).toEqual({ state: 'done', path: join(dir, 'a.ghibli.d758n65e878c73cmdg20.png') });
  });

  it('a folder where the result would go blocks the item', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a.ghibli.jpg'));
    expect(await inspectDestination(outputInFolder(dir, 'a.ghibli'))).toMatchObject({
      state: 'blocked',
      path: join(dir, 'a.ghibli.jpg'),
      reason: expect.stringMatching(/folder/),
    });
    writeFileSync(join(dir, 'plain-file'), '');
    expect(await inspectDestination(outputInFolder(join(dir, 'plain-file'), 'a'))).toMatchObject({ state: 'blocked' });
  });
});

describe('saveResult never drops a paid result', () => {
  const tooLong: (dir: string) => PlannedOutput = (dir) => ({ root: dir, folder: join(dir, 'sub'), before: '漢'.repeat(100), after: '', hasTask: false });

  it('a name the file system refuses: saved as <task id>.<ext> in the output folder, and says so', async () => {
    const dir = tempDir();
    const saved = await saveResult({ output: tooLong(dir), bytes: JPEG, taskId: 'task42', index: 0, overwrite: false, provenance: null, rescueFolder: null });
    expect(saved.path).toBe(join(dir, 'task42.jpg'));
    expect(saved.fallback).toBe(true);
    expect(saved.notes.join()).toMatch(/ENAMETOOLONG.*saved it as .*task42\.jpg instead/);
    expect(readFileSync(saved.path).equals(JPEG)).toBe(true);
  });

  it('a folder in the way, even with --overwrite: the folder stays, the result goes to the fallback', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a.ghibli.jpg'));
    writeFileSync(join(dir, 'a.ghibli.jpg', 'keep.txt'), 'mine');
    const saved = await saveResult({
      output: outputInFolder(dir, 'a.ghibli'),
      bytes: JPEG,
      taskId: 't7',
      index: 0,
      overwrite: true,
      provenance: null,
      rescueFolder: null,
    });
    expect(saved.path).toBe(join(dir, 't7.jpg'));
    expect(readFileSync(join(dir, 'a.ghibli.jpg', 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('an output folder that cannot take it: the state folder, the last resort', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const rescue = join(dir, 'state', 'rescued');
    const output = outputInFolder(join(dir, 'not-a-folder', 'art'), 'a.ghibli');
    const saved = await saveResult({ output, bytes: JPEG, taskId: 't8', index: 1, overwrite: false, provenance: null, rescueFolder: rescue });
    expect(saved.path).toBe(join(rescue, 't8-2.jpg'));
    expect(readFileSync(saved.path).equals(JPEG)).toBe(true);
  });

  it('when nothing can take it, fails with how to collect it again', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const output = outputInFolder(join(dir, 'not-a-folder', 'art'), 'a.ghibli');
    await expect(
      saveResult({ output, bytes: JPEG, taskId: 't9', index: 0, overwrite: false, provenance: null, rescueFolder: join(dir, 'not-a-folder', 'r') }),
    ).rejects.toMatchObject({
      code: 'save-failed',
      hint: expect.stringContaining('spark-style status t9 --save'),
    });
  });

  it('without provenance, the bytes are saved exactly as received', async () => {
    const dir = tempDir();
    const saved = await saveResult({
      output: outputInFolder(dir, 'a'),
      bytes: JPEG,
      taskId: 't',
      index: 0,
      overwrite: false,
      provenance: null,
      rescueFolder: null,
    });
    expect(readFileSync(saved.path).equals(JPEG)).toBe(true);
    expect(saved.notes).toEqual([]);
  });
});

describe('{date}', () => {
  it('is the capture date, else the day the file was modified, read only when the template asks', async () => {
    const dir = tempDir();
    const dated = join(dir, 'dated.tif');
    writeFileSync(dated, tiffWithDate('2021:07:14 18:30:05'));
    const plain = join(dir, 'plain.jpg');
    writeFileSync(plain, JPEG);
    const modified = new Date(2020, 1, 29, 12, 0, 0); // local time, as a photo app shows it
    utimesSync(plain, modified, modified);
    const dates = await datesForNames([dated, plain], parseNameTemplate('{date}/{stem}.{ext}'));
    expect(dates.get(dated)).toBe('2021-07-14');
    expect(dates.get(plain)).toBe('2020-02-29');
    expect((await datesForNames([dated], parseNameTemplate(DEFAULT_NAME_TEMPLATE))).size).toBe(0);
  });
});

/** The smallest TIFF structure with an Exif IFD holding DateTimeOriginal (big-endian). */
function tiffWithDate(date: string): Buffer {
  const tiff = Buffer.alloc(8 + 18 + 18 + 20);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8); // IFD0: one entry, the Exif IFD pointer
  tiff.writeUInt16BE(0x8769, 10);
  tiff.writeUInt16BE(4, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt32BE(26, 18);
  tiff.writeUInt16BE(1, 26); // Exif IFD: DateTimeOriginal, 20 ASCII bytes at offset 44
  tiff.writeUInt16BE(0x9003, 28);
  tiff.writeUInt16BE(2, 30);
  tiff.writeUInt32BE(20, 32);
  tiff.writeUInt32BE(44, 36);
  tiff.write(`${date}\0`, 44, 'latin1');
  return tiff;
}

describe('stylize options for names and provenance', () => {
  it('--name wins over config name-template, which wins over the default; --keep-gps needs provenance', () => {
    const run = (options: Parameters<typeof resolveRun>[0], nameTemplate?: string) =>
      resolveRun({ styles: 'ghibli', ...options }, { nameTemplate }, '/state/rescued');
    expect(run({}).nameTemplate.source).toBe(DEFAULT_NAME_TEMPLATE);
    expect(run({}, '{style}/{stem}.{ext}').nameTemplate.source).toBe('{style}/{stem}.{ext}');
    expect(run({ name: '{date}/{stem}.{ext}' }, '{style}/{stem}.{ext}').nameTemplate.source).toBe('{date}/{stem}.{ext}');
    expect(run({}).settings.saving).toEqual({ provenance: true, keepGps: false, rescueFolder: '/state/rescued' });
    expect(run({ provenance: false }).settings.saving.provenance).toBe(false);
    expect(() => run({ provenance: false, keepGps: true })).toThrow(/--keep-gps .* --no-provenance/);
  });
});
