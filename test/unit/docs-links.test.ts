// The README stays an introduction, and no link in it or in docs/ leads nowhere.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

/** Markdown outside fenced code blocks and inline code: links in examples are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()]/g, ' '));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const headings = readFileSync(file, 'utf8')
    .replace(/^```[\s\S]*?^```/gm, '')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => slug(line.replace(/^#+ /, '')));
  return new Set(headings);
}

function linksOf(page: string): { target: string; anchor: string | null }[] {
  const text = prose(readFileSync(join(ROOT, page), 'utf8'));
  return [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      return { target: path === '' ? page : join(dirname(page), path), anchor: anchor ?? null };
    });
}

describe('README and docs/', () => {
  it('the README is at most 12,000 bytes', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(12_000);
  });

  it('every relative link and #anchor in README.md and docs/ resolves', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of PAGES) {
      for (const { target, anchor } of linksOf(page)) {
        checked++;
        const file = join(ROOT, target);
        if (!existsSync(file)) broken.push(`${page}: ${relative(ROOT, file)} does not exist`);
        else if (anchor !== null && (!target.endsWith('.md') || !anchorsOf(file).has(anchor))) broken.push(`${page}: ${target}#${anchor} has no such heading`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('finds a broken link and a broken anchor (the check itself works)', () => {
    expect(slug('`spark-style check <files...>`')).toBe('spark-style-check-files');
    expect(slug('Configuration and environment')).toBe('configuration-and-environment');
    expect(anchorsOf(join(ROOT, 'docs/commands.md')).has('exit-codes')).toBe(true);
    expect(anchorsOf(join(ROOT, 'docs/commands.md')).has('no-such-heading')).toBe(false);
  });
});
