import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RootError, Roots, isWithin } from '../../src/mcp/roots.js';
import { tempDir } from '../helpers/tmp.js';

function layout() {
  const base = tempDir('spark-roots-');
  const root = join(base, 'photos');
  const outside = join(base, 'secret');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(root, 'a.jpg'), 'jpeg');
  writeFileSync(join(outside, 'id_rsa'), 'PRIVATE KEY');
  return { base, root, outside };
}

describe('MCP roots: inputs only from under --root, after symlinks', () => {
  it('takes a file inside a root, by absolute or root-relative name', async () => {
    const { root } = layout();
    const roots = await Roots.of([root], '/');
    expect((await roots.input(join(root, 'a.jpg'))).real).toMatch(/photos\/a\.jpg$/);
    expect(await roots.input('a.jpg')).toEqual({ real: join(roots.folders[0]!, 'a.jpg'), isFolder: false });
  });

  it('refuses a path outside, a .. climb, and a symlink inside a root that points outside', async () => {
    const { root, outside } = layout();
    symlinkSync(join(outside, 'id_rsa'), join(root, 'holiday.jpg'));
    const roots = await Roots.of([root], '/');
    await expect(roots.input(join(outside, 'id_rsa'))).rejects.toThrow(/outside the allowed roots/);
    await expect(roots.input('../secret/id_rsa')).rejects.toThrow(/outside the allowed roots/);
    await expect(roots.input('holiday.jpg')).rejects.toThrow(RootError);
    await expect(roots.input('/etc/passwd')).rejects.toThrow(/outside the allowed roots/);
    await expect(roots.input('missing.jpg')).rejects.toThrow(/no such file/);
    await expect(roots.input('a.jpg\0.png')).rejects.toThrow(/NUL/);
  });

  it('takes a symlink that stays inside the roots', async () => {
    const { root } = layout();
    symlinkSync(join(root, 'a.jpg'), join(root, 'link.jpg'));
    const roots = await Roots.of([root], '/');
    expect((await roots.input('link.jpg')).real).toBe(join(roots.folders[0]!, 'a.jpg'));
  });

  it('places outputs only under the allowed folders, also folders still to be made', async () => {
    const { root, outside } = layout();
    const roots = await Roots.of([root], '/');
    expect(await roots.outputFolder('art/2026')).toBe(join(roots.folders[0]!, 'art', '2026'));
    await expect(roots.outputFolder(join(outside, 'art'))).rejects.toThrow(/outputs may only go under/);
    await expect(roots.outputFolder('art/../../secret')).rejects.toThrow(/outputs may only go under/);
    symlinkSync(outside, join(root, 'escape'));
    await expect(roots.outputFolder('escape/new')).rejects.toThrow(/outputs may only go under/);
    await expect(roots.outputFolder('art', [join(roots.folders[0]!, 'only-here')])).rejects.toThrow(/outputs may only go under/);
  });

  it('refuses a --root that is not an existing folder', async () => {
    const { root } = layout();
    await expect(Roots.of([join(root, 'nope')], '/')).rejects.toThrow(/not an existing folder/);
    await expect(Roots.of([join(root, 'a.jpg')], '/')).rejects.toThrow(/not an existing folder/);
  });

  it('isWithin tells a sibling with a shared prefix apart', () => {
    expect(isWithin('/a/bc', '/a/b')).toBe(false);
    expect(isWithin('/a/b/c', '/a/b')).toBe(true);
    expect(isWithin('/a/b', '/a/b')).toBe(true);
  });
});
