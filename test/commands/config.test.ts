import { readFileSync } from 'node:fs';
import type { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { runConfig } from '../../src/commands/config/run.js';
import { contextIn } from '../helpers/command-context.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-config-test-0123456789abcdef';

describe('config set api-key, in-process', () => {
  it('warns in one line that a key typed on the command line stays in the shell history, and says how to pipe it', async () => {
    const dir = tempDir();
    const { context, stderr } = contextIn(dir);
    expect(await runConfig('set', ['api-key', KEY], {}, context)).toBe(ExitCode.OK);
    const warnings = stderr()
      .split('\n')
      .filter((line) => line.startsWith('warning:'));
    expect(warnings).toEqual([
      `warning: the key is now in your shell's history too; next time pipe it in: printf %s "$KEY" | spark-style config set api-key -`,
    ]);
    expect(stderr()).not.toContain(KEY);
    expect(readFileSync(`${dir}/config.json`, 'utf8')).toContain(KEY);
  });

  it('says nothing of the kind when the key comes from stdin (-)', async () => {
    const { context, stderr } = contextIn(tempDir());
    (context.io.stdin as PassThrough).end(`${KEY}\n`);
    expect(await runConfig('set', ['api-key', '-'], {}, context)).toBe(ExitCode.OK);
    expect(stderr()).not.toContain('warning');
    expect(stderr()).toContain('api-key saved to');
  });
});
