import { chmodSync, chownSync, closeSync, constants, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { configWithoutWriting } from '../../src/cmdutil/config-without-writing.js';
import { openConfigFile, peekConfigFile, readConfigFile } from '../../src/config/config-file.js';
import { assertPrivateStateDir, assertPrivateStateFile, openPrivateStateFile } from '../../src/config/trust.js';
import { tempDir } from '../helpers/tmp.js';

/** The two ways in: a run's read (no conf) and `config set`'s (conf); the same checks hold for both. */
const OPENERS = [
  ['readConfigFile', readConfigFile],
  ['openConfigFile', openConfigFile],
] as const;

/** A config folder of our own, 0700, inside a fresh temporary folder. */
function configFolder(): string {
  const dir = join(tempDir(), 'spark-style');
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

describe('config folder trust (issue 12 #5)', () => {
  it('accepts a 0700 folder of ours, and creates a missing one 0700', async () => {
    const dir = configFolder();
    expect(() => assertPrivateStateDir(dir)).not.toThrow();
    const fresh = join(tempDir(), 'new', 'spark-style');
    const settings = await openConfigFile({ SPARK_STYLE_CONFIG_DIR: fresh });
    settings.set('default-style', 'ghibli');
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    expect(statSync(settings.path).mode & 0o777).toBe(0o600);
  });

  it.each(OPENERS.flatMap(([name, open]) => [0o777, 0o770, 0o722].map((mode) => [name, open, mode] as const)))(
    '%s refuses a folder with mode %o, and reads nothing from it',
    async (_name, open, mode) => {
      const dir = configFolder();
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ 'base-url': 'https://attacker.example' }), { mode: 0o600 });
      chmodSync(dir, mode);
      const error = await open({ SPARK_STYLE_CONFIG_DIR: dir }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toBe(
        `refusing the config folder ${dir}: other users can write to it (mode 0${mode.toString(8)}); nothing was read from it`,
      );
      expect((error as UsageError).hint).toBe(`chmod 700 ${dir}`);
    },
  );

  it('a run reads the values without conf, and tightens a 0644 file to 0600 (it may hold the key)', async () => {
    const dir = configFolder();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ 'default-style': 'clay', concurrency: 3 }), { mode: 0o644 });
    chmodSync(file, 0o644);
    const config = await readConfigFile({ SPARK_STYLE_CONFIG_DIR: dir });
    expect([config.get('default-style'), config.get('concurrency'), config.get('out-dir')]).toEqual(['clay', 3, undefined]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a folder that belongs to another user', () => {
    const dir = configFolder();
    chownSync(dir, 65534, 65534);
    expect(() => assertPrivateStateDir(dir)).toThrow(/belongs to another user/);
  });

  it('refuses a folder in a world-writable parent without the sticky bit', () => {
    const parent = tempDir();
    const dir = join(parent, 'spark-style');
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(parent, 0o777);
    expect(() => assertPrivateStateDir(dir)).toThrow(/is writable by everyone/);
    chmodSync(parent, 0o1777);
    expect(() => assertPrivateStateDir(dir)).not.toThrow();
  });

  it.each(OPENERS)('%s refuses a config file other users can write, or one that is a symbolic link', async (_name, open) => {
    const dir = configFolder();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{}', { mode: 0o666 });
    chmodSync(file, 0o666);
    await expect(open({ SPARK_STYLE_CONFIG_DIR: dir })).rejects.toThrow(`refusing the state file ${file}: other users can write to it (mode 0666)`);
    const elsewhere = join(tempDir(), 'planted.json');
    writeFileSync(elsewhere, JSON.stringify({ 'base-url': 'https://attacker.example' }), { mode: 0o600 });
    const linked = configFolder();
    symlinkSync(elsewhere, join(linked, 'config.json'));
    await expect(open({ SPARK_STYLE_CONFIG_DIR: linked })).rejects.toThrow(/is a symbolic link/);
  });
});

describe('reading the config without creating anything (doctor, history)', () => {
  it('takes nothing from a config file others can write, or a link, though the folder is private', () => {
    const dir = configFolder();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ 'base-url': 'https://attacker.example', ledger: 'postgres://attacker.example/db' }), { mode: 0o666 });
    chmodSync(file, 0o666);
    const env = { SPARK_STYLE_CONFIG_DIR: dir };
    expect(configWithoutWriting(env).get('base-url')).toBeUndefined();
    expect(() => peekConfigFile(env)).toThrow(/other users can write to it/);
    chmodSync(file, 0o600);
    expect(configWithoutWriting(env).get('base-url')).toBe('https://attacker.example');
    // A folder that does not exist is looked at, not made.
    const missing = join(tempDir(), 'none', 'spark-style');
    expect(peekConfigFile({ SPARK_STYLE_CONFIG_DIR: missing })).toEqual({});
    expect(existsSync(missing)).toBe(false);
  });
});

describe('state files (for the ledger)', () => {
  it('assertPrivateStateFile: a missing file is fine; a link, a folder or a shared file is refused', () => {
    const dir = configFolder();
    expect(() => assertPrivateStateFile(join(dir, 'ledger.db'))).not.toThrow();
    const victim = join(tempDir(), 'victim');
    writeFileSync(victim, 'precious', { mode: 0o644 });
    symlinkSync(victim, join(dir, 'journal.jsonl'));
    expect(() => assertPrivateStateFile(join(dir, 'journal.jsonl'))).toThrow(/symbolic link/);
    mkdirSync(join(dir, 'dir.db'));
    expect(() => assertPrivateStateFile(join(dir, 'dir.db'))).toThrow(/not a regular file/);
    writeFileSync(join(dir, 'shared.db'), '', { mode: 0o600 });
    chmodSync(join(dir, 'shared.db'), 0o620);
    expect(() => assertPrivateStateFile(join(dir, 'shared.db'))).toThrow(/other users can write/);
  });

  it('openPrivateStateFile never writes through a planted link: the victim keeps its bytes and mode', () => {
    const dir = configFolder();
    const victim = join(tempDir(), 'victim');
    writeFileSync(victim, 'precious', { mode: 0o644 });
    chmodSync(victim, 0o644);
    const path = join(dir, 'journal.jsonl');
    symlinkSync(victim, path);
    expect(() => openPrivateStateFile(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT)).toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it('openPrivateStateFile creates a missing file 0600', () => {
    const path = join(configFolder(), 'journal.jsonl');
    closeSync(openPrivateStateFile(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('a corrupt config.json (issue 12 #13)', () => {
  it.each(
    OPENERS.flatMap(([name, open]) =>
      (
        [
          ['{"api-key": "sk-', /it is not valid JSON/],
          ['', /it is empty/],
          ['[1, 2]', /it is not a JSON object/],
          ['null', /it is not a JSON object/],
        ] as const
      ).map(([content, problem]) => [name, content, open, problem] as const),
    ),
  )('%s, %j: names the file and how to fix it', async (_name, content, open, problem) => {
    const dir = configFolder();
    const file = join(dir, 'config.json');
    writeFileSync(file, content, { mode: 0o600 });
    const error = (await open({ SPARK_STYLE_CONFIG_DIR: dir }).catch((caught: unknown) => caught)) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(`cannot read the config file ${file}: `);
    expect(error.message).toMatch(problem);
    expect(error.message).not.toContain('\n');
    expect(error.hint).toBe(`fix it in an editor, or move it away (mv ${file} ${file}.broken) and set your values again with spark-style config set`);
  });
});
