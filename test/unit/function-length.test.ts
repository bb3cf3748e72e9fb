import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const MAX_LINES = 60;

/** Every function of src/ (declarations, methods, arrows, accessors) with its length in lines, read by the TypeScript parser. */
function functionLengths(): { where: string; lines: number }[] {
  const found: { where: string; lines: number }[] = [];
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        found.push({ where: `${relative(SRC, path)}:${first + 1}`, lines: last - first + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('function length (STYLE.md)', () => {
  const all = functionLengths();

  it('finds the functions it measures', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(all.some(({ where }) => where.startsWith('runner/item.ts:'))).toBe(true);
  });

  it(`no function in src/ is over ${MAX_LINES} lines`, () => {
    expect(all.filter(({ lines }) => lines > MAX_LINES).map(({ where, lines }) => `${where} (${lines} lines)`)).toEqual([]);
  });
});
