import { spawn } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/core/shell-quote.js';
import { CLI, PHOTOS } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Resolves once `path` holds a whole line (a file written by a process this test cannot wait on
 * directly). Not merely once it exists: the shell's `>` makes the file before `echo` writes to it.
 */
function whenWritten(path: string): Promise<void> {
  const written = () => existsSync(path) && readFileSync(path, 'utf8').endsWith('\n');
  return new Promise((resolve) => {
    const watcher = watch(join(path, '..'), () => {
      if (written()) {
        watcher.close();
        resolve();
      }
    });
    if (written()) {
      watcher.close();
      resolve();
    }
  });
}

describe('a terminal closed under a run (a tmux pane, an ssh session)', () => {
  it('prints the summary and ends by SIGHUP, without Node aborting in ResetStdio', async () => {
    let created: () => void = () => undefined;
    const taskCreated = new Promise<void>((resolve) => {
      created = resolve;
    });
    const server = await emulator({ latencyMs: 600_000, key: 'sk-hangup', onTaskCreated: () => created() });
    const dir = tempDir();
    const status = join(dir, 'status');
    const errors = join(dir, 'stderr');
    // On a real pseudo-terminal (script) whose master goes away when script is killed: the kernel
    // hangs the terminal up and the shell passes SIGHUP on to its job, as the shell of a tmux pane
    // does. stdin and stdout stay on the terminal (what Node restores at exit); stderr goes to a
    // file to be read; the shell outlives the hangup (its trap) to write the CLI's exit status.
    const env = `SPARK_STYLE_CONFIG_DIR=${shellQuote(join(dir, 'config'))} SPARK_STYLE_BASE_URL=${server.url} SPARK_STYLE_API_KEY=sk-hangup`;
    const run = `${env} ${shellQuote(process.execPath)} ${shellQuote(CLI)} stylize ${shellQuote(join(PHOTOS, 'bridge_1302x953.jpg'))} --style clay --out ${shellQuote(dir)}`;
    const shell = `${run} 2>${shellQuote(errors)} </dev/tty & child=$!; trap 'kill -HUP $child' HUP; wait $child; wait $child; echo $? > ${shellQuote(status)}`;
    const terminal = spawn('script', ['-qfec', shell, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    terminal.stdout.resume();
    await taskCreated;
    terminal.kill('SIGKILL');
    await whenWritten(status);
    const stderr = readFileSync(errors, 'utf8');
    expect(stderr).toMatch(/saved 0, failed 0, interrupted 1 \(still running on the server\) · 1 task created/);
    expect(stderr).not.toMatch(/Assertion failed|ResetStdio/);
    // 128 + 1: ended by the hangup itself, as a hung-up process does (not 134, an abort).
    expect(readFileSync(status, 'utf8').trim()).toBe('129');
    expect(server.stats().tasks_created).toBe(1);
  });
});
