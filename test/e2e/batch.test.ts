import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { writePhotos } from '../helpers/images.js';
import { ledgerRows } from '../helpers/ledger.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-batch-0123456789abcdef';
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });

// Spawned: a second Ctrl-C ends the process at once, which only a process of its own can show.
describe('batches, interrupted twice', () => {
  it('a second Ctrl-C exits at once, even with a create still on its way, leaving the ledger whole', async () => {
    const received: ((count: number) => void)[] = [];
    const server = await emulator({
      latencyMs: 60_000,
      // The third create hangs: after one Ctrl-C the CLI would wait for it, to record its id.
      faults: { slowCreate: { after: 2, delayMs: 60_000 } },
      onCreateReceived: (count) => received.forEach((listener) => listener(count)),
    });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 4);
    const configDir = tempDir();
    const env = { ...against(server.url), SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH };
    const run = execa(process.execPath, [CLI, 'stylize', ...inputs, '--style', 'doll', '--concurrency', '3'], {
      env,
      extendEnv: false,
      reject: false,
      timeout: 20_000,
    });
    await new Promise<void>((resolve) => received.push((count) => count >= 3 && resolve()));
    const stopping = new Promise<void>((resolve) => {
      let seen = '';
      run.stderr!.on('data', (chunk: Buffer) => (seen += chunk.toString()).includes('stopping:') && resolve());
    });
    run.kill('SIGINT');
    // The second Ctrl-C of a person comes after the first was seen; two sent back to back can
    // reach the process as one pending signal.
    await stopping;
    run.kill('SIGINT');
    const result = await run;
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(130);
    // Two answered creates hold their task ids; the third, cut off on the wire, is "outcome unknown".
    const rows = ledgerRows(configDir);
    expect(rows.filter((row) => row.status === 'open' && row.task_id)).toHaveLength(2);
    expect(rows.filter((row) => row.status === 'unknown' && !row.task_id)).toHaveLength(1);
  });
});
