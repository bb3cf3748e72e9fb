import { hostname } from 'node:os';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { buildCreateBody } from '../../src/api/request-body.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import type { CommandContext } from '../../src/cmdutil/context.js';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { runStatus } from '../../src/commands/status/run.js';
import { identityOf } from '../../src/ledger/process-marker.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { FakeProcess } from '../helpers/command.js';
import { makeImage } from '../helpers/images.js';
import { memoryIO } from '../helpers/terminal.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A task the ledger knows (as a running stylize recorded it), and `status --save` into the same
 * folder, in-process against the emulator with a fake clock.
 */
async function setUp() {
  const clock = fakeClock(Date.now());
  const server = await emulator({ latencyMs: 1000, now: clock.now, plain: true });
  const client = new SparkClient({ baseUrl: server.url, apiKey: 'sk-status-claim', clock });
  const photo = await makeImage(900, 700);
  const task = await client.createTask(buildCreateBody({ style: resolveStyle('ghibli'), image: { bytes: photo }, returnUrl: true, logo: null }));
  await server.rendered();
  clock.advance(5000);
  const configDir = tempDir('spark-style-config-');
  const out = tempDir();
  const ledger = SqliteLedger.open(join(configDir, 'ledger.db'), clock);
  const attempt = await ledger.recordIntent({
    key: 'k-photo',
    input: join(out, 'photo.jpg'),
    inputSha256: 'x',
    style: 'ghibli',
    reqKey: 'img2img_ghibli_style_usage',
    subReqKey: null,
    options: {},
    outputBase: join(out, 'photo.ghibli'),
  });
  await ledger.recordAnswer(attempt, task.id);
  const streams = memoryIO('pipe', { NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: configDir, SPARK_STYLE_API_KEY: 'sk-status-claim' });
  const context: CommandContext = {
    io: streams.io,
    exitCode: ExitCode.OK,
    verbose: false,
    clock,
    argv: ['node', 'spark-style', 'status'],
    env: streams.io.env,
    process: new FakeProcess(),
    connect: async () => ({ client, baseUrl: server.url, emulator: null, close: async () => undefined }),
  };
  return { task, ledger, out, configDir, context, ...streams, photo };
}

describe('status --save beside a running stylize', () => {
  it('leaves a task another live run is collecting to that run: no copy', async () => {
    const setup = await setUp();
    // The claim of a live process that is not this one (pid 1 lives as long as the machine does).
    const db = new Database(join(setup.configDir, 'ledger.db'));
    db.prepare('INSERT INTO claims (key, worker, host, pid, marker, expires_at, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      'k-photo',
      'w-other',
      hostname(),
      1,
      identityOf(1).marker,
      Date.now() + 60_000,
      Date.now(),
    );
    db.close();
    const code = await runStatus([setup.task.id], { save: setup.out }, setup.context);
    await setup.ledger.close();
    expect(code).toBe(ExitCode.OK);
    expect(readdirSync(setup.out)).toEqual([]);
    expect(setup.stderr()).toContain(`${setup.task.id}: not saved: another spark-style run (worker w-other on ${hostname()}, pid 1) is collecting it`);
  });

  it('reports the result that run already saved there instead of writing photo.ghibli-2.jpg', async () => {
    const setup = await setUp();
    const saved = join(setup.out, 'photo.ghibli.jpg');
    writeFileSync(saved, setup.photo);
    await setup.ledger.recordSaved(setup.task.id, saved, '0.0300');
    const code = await runStatus([setup.task.id], { save: setup.out }, setup.context);
    await setup.ledger.close();
    expect(code).toBe(ExitCode.OK);
    expect(readdirSync(setup.out)).toEqual(['photo.ghibli.jpg']);
    expect(setup.stdout()).toContain(`  saved: ${saved}`);
  });
});
