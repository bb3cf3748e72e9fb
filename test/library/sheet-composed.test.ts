import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createSparkStyle } from '../../src/index.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { writePhotos } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/** What client.sheet() tells about the sheet it made (what the CLI prints), and what it refuses before paying. */
describe('the library: sheet results and refusals', () => {
  async function setup(faults?: { failEvery: number; failCode: string }, onTaskCreated?: () => void) {
    const clock = fakeClock(Date.UTC(2030, 5, 1));
    let created = 0;
    const server = await emulator({
      latencyMs: 10_000,
      now: clock.now,
      plain: true,
      onTaskCreated: () => {
        created++;
        onTaskCreated?.();
      },
      faults,
    });
    const dir = tempDir();
    const client = createSparkStyle({ clock, stateDir: join(dir, 'state'), connect: async () => ({ baseUrl: server.url, apiKey: 'sk-sheet-test' }) });
    return { dir, client, created: () => created };
  }

  it('result.composed: size, rows with their labels, columns, the tiles without a result', async () => {
    const { dir, client, created } = await setup({ failEvery: 4, failCode: '003008096' });
    try {
      const [first, second] = await writePhotos(dir, 2);
      const named = join(dir, '北京 trip.jpg');
      renameSync(second!, named);
      const output = join(dir, 'sheets', 'compare.jpg');
      const result = await client.sheet([first!, named], { styles: 'ghibli,anime', outDir: join(dir, 'art'), output, width: 1000, concurrency: 1 }).result;
      expect(created()).toBe(4);
      expect(result.exitCode).toBe(1);
      expect(result.sheet).toBe(output);
      expect(result.composeError).toBeNull();
      const meta = await sharp(output).metadata();
      expect(result.composed).toMatchObject({ path: output, width: 1000, height: meta.height, styles: ['ghibli', 'anime'], missing: 1, leftOff: [] });
      expect(result.composed?.photos).toEqual([
        { original: first, label: 'photo-1.jpg' },
        { original: named, label: 'photo 2 (trip.jpg)' },
      ]);
      expect(meta).toMatchObject({ format: 'jpeg', width: 1000 });
      expect(result.composed?.bytes).toBe(statSync(output).size);
      // Timed on the client's clock: the fake one does not move while the sheet is composed.
      expect(result.composed?.ms).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('a sheet that cannot be saved after paying: result resolves with the whole run and composeError', async () => {
    let output = '';
    const { dir, client, created } = await setup(undefined, () => mkdirSync(output, { recursive: true }));
    try {
      const photos = await writePhotos(dir, 1);
      output = join(dir, 'sheets', 'compare.jpg');
      const result = await client.sheet(photos, { styles: 'ghibli,anime', outDir: join(dir, 'art'), output }).result;
      expect(created()).toBe(2);
      expect(result.items.map((item) => [item.status, item.created, item.output && existsSync(item.output)])).toEqual([
        ['saved', true, true],
        ['saved', true, true],
      ]);
      expect(result.summary).toMatchObject({ saved: 2, tasks_created: 2, cost_usd: '0.0600' });
      expect(result).toMatchObject({ sheet: null, composed: null, exitCode: 1 });
      expect(result.composeError).toEqual({ path: output, code: 'not-a-regular-file', message: 'it is not a regular file' });
    } finally {
      await client.close();
    }
  });

  it('a sheet that cannot be made (too tall for a JPEG) is refused before anything is paid', async () => {
    const { dir, client, created } = await setup();
    try {
      const photos = await writePhotos(dir, 1);
      const run = client.sheet(photos, { styles: 'all', width: 10_000, columns: 1, outDir: join(dir, 'art') });
      await expect(run.result).rejects.toMatchObject({ code: 'sheet-too-large' });
      expect(created()).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('outputFlag: a refused output is named as the caller names it', async () => {
    const { dir, client, created } = await setup();
    try {
      const photos = await writePhotos(dir, 1);
      const png = join(dir, 'sheet.png');
      await expect(client.sheet(photos, { styles: 'ghibli', output: png, outputFlag: '-o' }).result).rejects.toMatchObject({
        code: 'sheet-extension',
        message: `-o ${png}: the sheet is a JPEG, so its name must end in .jpg or .jpeg`,
      });
      await expect(client.sheet(photos, { styles: 'ghibli', output: png }).result).rejects.toMatchObject({
        message: `${png}: the sheet is a JPEG, so its name must end in .jpg or .jpeg`,
      });
      expect(created()).toBe(0);
    } finally {
      await client.close();
    }
  });
});
