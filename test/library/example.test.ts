import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stylizeFolder } from '../../examples/stylize-folder.js';
import { writePhotos } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

describe('examples/stylize-folder.ts (docs/library.md), run offline in-process', () => {
  it('stylizes a folder within its budget and prints each event; aborted at once, it starts nothing', async () => {
    const dir = tempDir();
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    await writePhotos(photos, 3);
    const art = join(dir, 'art');
    const lines: string[] = [];
    const result = await stylizeFolder(photos, art, { offline: { latencyMs: 50 } }, undefined, (line) => lines.push(line));
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({ saved: 3, budget_usd: '2.0000' });
    expect(readdirSync(art).sort()).toEqual(['photo-1.ghibli.jpg', 'photo-2.ghibli.jpg', 'photo-3.ghibli.jpg']);
    expect(lines[0]).toBe('3 photos to stylize (offline)');
    expect(lines.filter((line) => line.includes(': saved -> '))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^saved 3, 3 tasks/);

    // Ctrl-C before anything started: the run ends at once, cancelled, nothing created.
    const stopped = await stylizeFolder(photos, join(dir, 'art2'), { offline: { latencyMs: 50 } }, AbortSignal.abort(), () => undefined);
    expect(stopped.interrupted).toBe(true);
    expect(stopped.summary.tasks_created).toBe(0);
    expect(stopped.exitCode).toBe(130);
  });
});
