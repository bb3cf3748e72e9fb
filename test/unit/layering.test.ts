import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every relative import (static or import()) of every source file, as "from -> to" under src/. */
function imports(): { from: string; to: string }[] {
  const found: { from: string; to: string }[] = [];
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
      found.push({ from: relative(SRC, path), to: relative(SRC, resolve(dirname(path), match[1]!)) });
    }
  }
  return found;
}

describe('layering', () => {
  const all = imports();

  it('finds the imports it checks', () => {
    expect(all.some(({ from, to }) => from.startsWith('commands/') && to.startsWith('cmdutil/'))).toBe(true);
  });

  it('no command and nothing in cmdutil/ imports from cli/ (the entry point sits on top)', () => {
    expect(all.filter(({ from, to }) => !from.startsWith('cli/') && to.startsWith('cli/'))).toEqual([]);
  });

  it('cmdutil/ (the toolkit every command uses) imports no command', () => {
    expect(all.filter(({ from, to }) => from.startsWith('cmdutil/') && to.startsWith('commands/'))).toEqual([]);
  });

  it('the MCP server and the watched folder use the public engine API, never the runner, ledger, API client or naming below it', () => {
    const faces = all.filter(({ from }) => /^(mcp|watch|session)\//.test(from));
    expect(faces.length).toBeGreaterThan(0);
    expect(faces.filter(({ to }) => /^(runner|ledger|api|naming)\//.test(to))).toEqual([]);
  });
});
