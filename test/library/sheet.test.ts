import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createSparkStyle, type RunEvent } from '../../src/index.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { writePhotos } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/** client.sheet() in-process: the emulator on loopback on the client's fake clock, every task counted. */
describe('the library: sheet', () => {
  it('stylizes, then composes the saved results into one JPEG; the same call again pays nothing', async () => {
    const clock = fakeClock(Date.UTC(2030, 5, 1));
    let created = 0;
    const server = await emulator({ latencyMs: 10_000, now: clock.now, plain: true, onTaskCreated: () => created++ });
    const dir = tempDir();
    const photos = await writePhotos(dir, 2);
    const client = createSparkStyle({ clock, stateDir: join(dir, 'state'), connect: async () => ({ baseUrl: server.url, apiKey: 'sk-sheet-test' }) });
    try {
      const output = join(dir, 'sheets', 'contact.jpg');
      const run = client.sheet(photos, { styles: 'ghibli,anime', outDir: join(dir, 'art'), output });
      const events: RunEvent[] = [];
      for await (const event of run) events.push(event);
      const result = await run.result;
      expect(result.exitCode).toBe(0);
      expect(result.sheet).toBe(output);
      expect(created).toBe(4);
      expect(events.filter((event) => event.type === 'item-finished')).toHaveLength(4);
      const meta = await sharp(output).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.width).toBe(2400);

      const again = await client.sheet(photos, { styles: 'ghibli,anime', outDir: join(dir, 'art'), output }).result;
      expect(again.sheet).toBe(output);
      expect(created).toBe(4);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a sheet name that is not a JPEG is refused before anything is paid', async () => {
    const clock = fakeClock(Date.UTC(2030, 5, 1));
    let created = 0;
    const server = await emulator({ now: clock.now, plain: true, onTaskCreated: () => created++ });
    const dir = tempDir();
    const photos = await writePhotos(dir, 1);
    const client = createSparkStyle({ clock, stateDir: join(dir, 'state'), connect: async () => ({ baseUrl: server.url, apiKey: 'sk-sheet-test' }) });
    try {
      await expect(client.sheet(photos, { styles: 'ghibli', output: join(dir, 'sheet.png') }).result).rejects.toMatchObject({ code: 'sheet-extension' });
      expect(created).toBe(0);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
