import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { STYLES } from '../../src/catalog/styles.js';
import { LEDGER_STATUSES } from '../../src/commands/history/filter.js';
import { CONFIG_KEYS } from '../../src/config/config-file.js';
import { CLI, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

let script = '';

beforeAll(async () => {
  const result = await runCli(['completion', 'bash']);
  expect(result.exitCode).toBe(0);
  script = result.stdout;
});

/** Sources the script in a real bash and asks it to complete `line` (the cursor at its end). */
async function complete(line: string, cwd?: string): Promise<string[]> {
  const folder = cwd ?? tempDir();
  const file = join(tempDir(), 'completion.bash');
  writeFileSync(file, script);
  const words = line.split(' ');
  const program = `
source ${JSON.stringify(file)}
COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})
COMP_CWORD=${words.length - 1}
COMP_LINE=${JSON.stringify(line)}
COMP_POINT=${line.length}
_spark_style
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = await execa('bash', ['--norc', '--noprofile', '-c', program], { cwd: folder, reject: false });
  expect(result.exitCode).toBe(0);
  return result.stdout.split('\n').filter(Boolean).sort();
}

describe('bash completion', () => {
  it('completes commands, including help', async () => {
    expect(await complete('spark-style ')).toEqual(
      ['check', 'completion', 'config', 'doctor', 'emulator', 'help', 'history', 'mcp', 'sheet', 'status', 'styles', 'stylize', 'watch'].sort(),
    );
    expect(await complete('spark-style st')).toEqual(['status', 'styles', 'stylize']);
    expect(await complete('spark-style config ')).toEqual(['get', 'list', 'path', 'set', 'unset']);
    expect(await complete('spark-style help sty')).toEqual(['styles', 'stylize']);
  });

  it("completes each command's own options, read from the command table", async () => {
    const options = await complete('spark-style stylize photo.jpg --');
    expect(options).toContain('--style');
    expect(options).toContain('--shard');
    expect(options).toContain('--watermark-position');
    expect(options).not.toContain('--since');
    expect(await complete('spark-style history --s')).toEqual(['--since', '--status', '--style']);
  });

  it('completes the 22 style aliases (and all) after --style, also inside a comma list', async () => {
    const all = await complete('spark-style stylize photo.jpg --style ');
    expect(all).toEqual([...STYLES.map((style) => style.alias), 'all'].sort());
    expect(all).toHaveLength(23);
    expect(await complete('spark-style stylize photo.jpg -s wat')).toEqual(['watercolor']);
    expect(await complete('spark-style stylize photo.jpg --style ghibli,wat')).toEqual(['ghibli,watercolor']);
    expect(await complete('spark-style stylize photo.jpg --style ghibli,c')).toEqual([
      'ghibli,ceramic',
      'ghibli,chinese-ink',
      'ghibli,chinese-red',
      'ghibli,clay',
      'ghibli,cute-doll',
      'ghibli,cyber',
    ]);
    expect(await complete('spark-style stylize photo.jpg --style = ink')).toEqual(['ink-wash']);
  });

  it('completes the values of choice options and never treats an option value as a command', async () => {
    expect(await complete('spark-style stylize a.jpg --watermark-position top')).toEqual(['top-left', 'top-right']);
    expect(await complete('spark-style completion ')).toEqual(['bash', 'fish', 'zsh']);
    // "config" here is the value of --style, not the config command.
    expect(await complete('spark-style stylize --style config --')).toContain('--overwrite');
  });

  it('completes config keys, the values a key takes, and history statuses, from the tables that define them', async () => {
    expect(await complete('spark-style config set ')).toEqual([...CONFIG_KEYS].sort());
    expect(await complete('spark-style config get base')).toEqual(['base-url']);
    expect(await complete('spark-style config unset ')).toEqual([...CONFIG_KEYS].sort());
    expect(await complete('spark-style config set default-style ')).toEqual(STYLES.map((style) => style.alias).sort());
    expect(await complete('spark-style config set default-style wat')).toEqual(['watercolor']);
    expect(await complete('spark-style config set base-url ')).toEqual(['https://cloud.vtrix.ai']);
    expect(await complete('spark-style config set concurrency ')).toEqual([]);
    // Two arguments and no more: only the options are left.
    expect(await complete('spark-style config set default-style ghibli ')).toEqual(['--help', '-h']);
    expect(await complete('spark-style history --status ')).toEqual([...LEDGER_STATUSES].sort());
    expect(await complete('spark-style history --status ne')).toEqual(['never-sent']);
    const folder = tempDir();
    mkdirSync(join(folder, 'prints'));
    expect(await complete('spark-style config set out-dir pr', folder)).toEqual(['prints']);
  });

  it('completes file names for inputs and folders for --out', async () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'photo one.jpg'), '');
    writeFileSync(join(folder, 'photo2.png'), '');
    mkdirSync(join(folder, 'prints'));
    expect(await complete('spark-style stylize pho', folder)).toEqual(['photo one.jpg', 'photo2.png']);
    expect(await complete('spark-style check pr', folder)).toEqual(['prints']);
    expect(await complete('spark-style stylize photo2.png --out p', folder)).toEqual(['prints']);
  });
});

describe('zsh and fish scripts', () => {
  it('zsh loads the same completion through bashcompinit', async () => {
    const result = await runCli(['completion', 'zsh']);
    expect(result.stdout).toContain('bashcompinit');
    expect(result.stdout).toContain('complete -F _spark_style spark-style');
  });

  it('fish gets one complete line per command and option, with the styles function', async () => {
    const result = await runCli(['completion', 'fish']);
    expect(result.stdout).toContain("complete -c spark-style -n '__fish_use_subcommand' -f -a 'stylize'");
    expect(result.stdout).toContain("complete -c spark-style -n '__fish_seen_subcommand_from stylize' -s s -l style -x -a '(_spark_style_styles)'");
    expect(result.stdout).toMatch(/for style in ghibli realistic .* doll all\n/);
    expect(result.stdout).toContain(
      "complete -c spark-style -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from set; and not __fish_seen_subcommand_from api-key base-url default-style out-dir concurrency name-template ledger' -x -a 'api-key base-url default-style out-dir concurrency name-template ledger'",
    );
    expect(result.stdout).toContain(
      "complete -c spark-style -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from set; and __fish_seen_subcommand_from default-style' -x -a 'ghibli realistic",
    );
  });

  it('loads nothing heavy (sharp, got, conf, ora, chalk, libsql)', async () => {
    const trace = join(tempDir(), 'loads.txt');
    writeFileSync(trace, '');
    const preload = fileURLToPath(new URL('../helpers/trace-loads.cjs', import.meta.url));
    const result = await execa(process.execPath, ['--require', preload, CLI, 'completion', 'bash'], { env: { TRACE_LOADS_FILE: trace }, reject: false });
    expect(result.exitCode).toBe(0);
    const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    expect(loaded.some((path) => path.includes('dist/commands/completion/run.js'))).toBe(true);
    expect(loaded.filter((path) => /node_modules\/(sharp|got|conf|ora|chalk|libsql)\//.test(path))).toEqual([]);
  });

  it('an unknown shell is a usage error', async () => {
    const result = await runCli(['completion', 'tcsh']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});
