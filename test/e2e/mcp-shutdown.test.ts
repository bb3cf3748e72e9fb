import { spawn } from 'node:child_process';
import { copyFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, PHOTOS } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { ledgerRows } from '../helpers/ledger.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-mcp-shutdown-0123456789abcdef';

/** A promise and the function that settles it: lets the test hold the emulator at an exact point. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('spark-style mcp shut down by its host while a stylize call is creating a task (built CLI)', () => {
  it('stdin closed, then SIGTERM (what StdioClientTransport.close() does): the create is answered and recorded with its task id', async () => {
    const createReceived = gate();
    const answer = gate();
    const server = await emulator({ latencyMs: 60_000, onCreateReceived: () => createReceived.open(), beforeCreateAnswer: () => answer.promise });
    const root = realpathSync(tempDir('spark-mcp-root-'));
    const configDir = tempDir('spark-mcp-config-');
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(root, 'hubble.jpg'));
    const child = spawn(process.execPath, [CLI, 'mcp', '--root', root, '--base-url', server.url], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: configDir, SPARK_STYLE_API_KEY: KEY },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    const wentAway = gate();
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('the client went away')) wentAway.open();
    });
    child.stdout.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const send = (message: Record<string, unknown>) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1.0.0' } } });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/call', params: { name: 'stylize', arguments: { inputs: ['hubble.jpg'], styles: 'ghibli' } } });

    await createReceived.promise;
    child.stdin.end();
    await wentAway.promise;
    child.kill('SIGTERM');
    answer.open();
    const { code, signal } = await exited;

    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(server.stats().tasks_created).toBe(1);
    const rows = ledgerRows(configDir);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.task_id).toMatch(/\S/);
    expect(rows[0]!.status).not.toBe('unknown');
    expect(stderr).not.toContain(KEY);
  });
});
