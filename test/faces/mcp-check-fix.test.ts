import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeImage } from '../helpers/images.js';
import { mcpInProcess, photoFolder, structuredOf } from '../helpers/mcp.js';

describe('spark-style mcp, in-process: check_image with fix', () => {
  it('writes an API-ready copy beside the image (no --out); the original is untouched and nothing is sent', async () => {
    const root = photoFolder();
    const small = join(root, 'small.jpg');
    writeFileSync(small, await makeImage(300, 200));
    const before = readFileSync(small);
    const setup = await mcpInProcess({ root });
    const verdict = structuredOf(await setup.call('check_image', { path: 'small.jpg', fix: true })) as {
      ok: boolean;
      fixable: boolean;
      fixed: { output: string; changes: string[] } | null;
    };
    expect(verdict.ok).toBe(false);
    expect(verdict.fixable).toBe(true);
    expect(verdict.fixed).not.toBeNull();
    expect(verdict.fixed!.output).toBe(join(root, 'small.fixed.jpg'));
    expect(existsSync(verdict.fixed!.output)).toBe(true);
    const meta = await sharp(verdict.fixed!.output).metadata();
    expect(Math.min(meta.width!, meta.height!)).toBeGreaterThanOrEqual(600);
    expect(readFileSync(small).equals(before)).toBe(true);
    expect(setup.connections()).toBe(0);
  });
});
