import { execa, type ResultPromise } from 'execa';
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { countingEmulator } from '../helpers/counting-emulator.js';
import { writePhotos } from '../helpers/images.js';
import { ledgerRows } from '../helpers/ledger.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * "Never pay twice": the built CLI is killed or signalled at the moments that matter, driven by
 * the emulator's hooks, and then resumed. What is counted is what a user pays for: the tasks the
 * emulator created per (photo, style) pair. What needs no process runs in-process
 * (test/commands/never-pay-twice.test.ts).
 */
const KEY = 'sk-ledger-0123456789abcdef';

function start(args: string[], configDir: string, url: string): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [CLI, ...args], {
    env: { SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
}

/** Resolves once the running CLI has written `text` on stderr. */
function whenStderrSays(run: ResultPromise<{ reject: false }>, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    run.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    });
  });
}

const UNKNOWN_LINE = /✖ (\S+) \(([\w-]+)\): outcome unknown: .*nothing was sent again.*--resend-unknown/g;

describe('never paying twice', () => {
  const moments = [
    { name: 'before the create is sent (the connection is open, nothing received yet)', hook: 'onConnection', resumed: 4 },
    { name: 'while the create is on the wire', hook: 'onCreateReceived', resumed: 4 },
    { name: 'after the server created the task, before the answer arrived', hook: 'beforeCreateAnswer', resumed: 4 },
    { name: 'after the answer was recorded (the task is being read)', hook: 'onTaskRead', resumed: 0 },
  ] as const;

  for (const moment of moments) {
    it(`SIGKILL ${moment.name}: resuming pays at most once per item`, async () => {
      // A synchronous service (latency 0: the create's answer carries the result) unless the
      // moment is a task read: no run waits on the poll schedule's real time.
      const { server, hooks, perPair, mostPerPair } = await countingEmulator({ latencyMs: moment.hook === 'onTaskRead' ? 300 : 0 });
      const dir = tempDir();
      const inputs = await writePhotos(dir, 3);
      const configDir = tempDir();
      const out = join(dir, 'out');
      const args = ['stylize', ...inputs, '--style', 'ghibli', '--out', out, '--concurrency', '1'];

      const first = start(args, configDir, server.url);
      let killed = false;
      const kill = () => {
        if (killed) return;
        killed = true;
        first.kill('SIGKILL');
      };
      if (moment.hook === 'beforeCreateAnswer') hooks.beforeCreateAnswer = () => (kill(), new Promise<void>(() => undefined));
      else hooks[moment.hook] = kill;
      const dead = await first;
      expect(dead.signal).toBe('SIGKILL');
      delete hooks[moment.hook];
      if (moment.hook === 'beforeCreateAnswer') expect(server.stats().tasks_created).toBe(1);

      const resumed = await start(args, configDir, server.url);
      expect(resumed.exitCode).toBe(moment.resumed);
      expect(mostPerPair()).toBeLessThanOrEqual(1);
      const saved = readdirSync(out).sort();
      if (moment.resumed === 4) {
        // The item cut off is reported in one line, not sent again; the other two are done.
        const unknown = [...resumed.stderr.matchAll(UNKNOWN_LINE)].map((match) => [match[1], match[2]]);
        expect(unknown).toEqual([[inputs[0], 'ghibli']]);
        expect(saved).toEqual(['photo-2.ghibli.jpg', 'photo-3.ghibli.jpg']);
        expect(server.stats().tasks_created).toBe(moment.hook === 'beforeCreateAnswer' ? 3 : perPair.size);

        // The same run again still does not send it; --resend-unknown does, on purpose.
        const again = await start(args, configDir, server.url);
        expect(again.exitCode).toBe(4);
        expect(mostPerPair()).toBeLessThanOrEqual(1);
        const resent = await start([...args, '--resend-unknown'], configDir, server.url);
        expect(resent.exitCode).toBe(0);
        expect(readdirSync(out).sort()).toEqual(['photo-1.ghibli.jpg', 'photo-2.ghibli.jpg', 'photo-3.ghibli.jpg']);
      } else {
        expect(saved).toEqual(['photo-1.ghibli.jpg', 'photo-2.ghibli.jpg', 'photo-3.ghibli.jpg']);
        expect(server.stats().tasks_created).toBe(3);
        expect(resumed.stderr).toContain('saved 3, failed 0 · 2 tasks created');
      }
      const settled = await start(args, configDir, server.url);
      expect(settled.exitCode).toBe(0);
      expect(settled.stderr).toContain('0 tasks created');
    });
  }

  it('one kill after another, with answers that come 1.5 s after the task exists: still at most one task per item', async () => {
    const { server, hooks, perPair, mostPerPair } = await countingEmulator({ faults: { delayAnswer: { after: 0, delayMs: 1500 } } });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 4);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const args = ['stylize', ...inputs, '--style', 'ink-wash,clay', '--out', out, '--concurrency', '3'];
    // Each run is killed at another moment: a create received (its task then exists while the
    // answer waits 1.5 s), a connection opened, a task read, a create received.
    const killAt: (keyof typeof hooks)[] = ['onCreateReceived', 'onConnection', 'onTaskRead', 'onCreateReceived'];
    for (const hook of killAt) {
      const run = start(args, configDir, server.url);
      let done = false;
      hooks[hook] = () => {
        if (done) return;
        done = true;
        run.kill('SIGKILL');
      };
      const result = await run;
      delete hooks[hook];
      if (result.signal !== 'SIGKILL') break; // the batch finished before the moment came
      expect(mostPerPair()).toBeLessThanOrEqual(1);
    }
    server.setFaults({});
    const resumed = await start(args, configDir, server.url);
    expect([0, 4], resumed.stderr).toContain(resumed.exitCode);
    expect(mostPerPair()).toBeLessThanOrEqual(1);
    const unknown = [...resumed.stderr.matchAll(UNKNOWN_LINE)].map((match) => `${basename(match[1]!, '.jpg')}.${match[2]}.jpg`);
    // Every pair is either saved or reported as unknown, never both, never neither.
    expect([...readdirSync(out), ...unknown].sort()).toEqual(
      inputs.flatMap((input) => ['ink-wash', 'clay'].map((style) => `${basename(input, '.jpg')}.${style}.jpg`)).sort(),
    );
    expect(perPair.size).toBeLessThanOrEqual(8);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`one ${signal}, with a config file read, stops gracefully: creates on the wire are recorded, summary, exit 130 (a kill -HUP with the terminal still there too)`, async () => {
      const { server, hooks, mostPerPair } = await countingEmulator();
      const dir = tempDir();
      const inputs = await writePhotos(dir, 4);
      const configDir = tempDir();
      // A config file the run reads (its concurrency), as most people's runs do.
      writeFileSync(join(configDir, 'config.json'), JSON.stringify({ concurrency: 2 }), { mode: 0o600 });
      const args = ['stylize', ...inputs, '--style', 'clay', '--out', join(dir, 'out')];
      const held: (() => void)[] = [];
      let heldAll: () => void;
      const twoHeld = new Promise<void>((resolve) => (heldAll = resolve));
      hooks.beforeCreateAnswer = () =>
        new Promise<void>((release) => {
          held.push(release);
          if (held.length === 2) heldAll();
        });

      const run = start(args, configDir, server.url);
      const stopping = whenStderrSays(run, 'stopping: no new tasks');
      await twoHeld;
      run.kill(signal);
      await stopping;
      // The CLI said it is stopping; only now do the two answers on their way arrive.
      delete hooks.beforeCreateAnswer;
      for (const release of held) release();
      const result = await run;
      // Only a terminal that really went away makes a run leave by SIGHUP (cmdutil/hangup.ts, test/e2e/hangup.test.ts).
      expect(result.exitCode).toBe(130);
      expect(result.stderr).toMatch(/saved 0, failed 0, interrupted 2 \(still running on the server\), not started 2 · 2 tasks created/);
      expect(result.stderr).toContain('interrupted: 2 tasks still running on the server');
      expect(ledgerRows(configDir).map((row) => row.status)).toEqual(['open', 'open']);
      expect(server.stats().tasks_created).toBe(2);

      const resumed = await start(args, configDir, server.url);
      expect(resumed.exitCode).toBe(0);
      expect(resumed.stderr).toContain('saved 4, failed 0 · 2 tasks created');
      expect(server.stats().tasks_created).toBe(4);
      expect(mostPerPair()).toBe(1);
    });
  }

  it('two runs of one batch at once create one task per pair and write no -2 copies', async () => {
    const { server, mostPerPair } = await countingEmulator();
    const dir = tempDir();
    const inputs = await writePhotos(dir, 4);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const args = ['stylize', ...inputs, '--style', 'anime,doll', '--out', out, '--concurrency', '2'];
    const [a, b] = await Promise.all([start(args, configDir, server.url), start(args, configDir, server.url)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(server.stats().tasks_created).toBe(8);
    expect(mostPerPair()).toBe(1);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(8);
    expect(files.filter((name) => /\.[a-z-]+-\d+\.jpg$/.test(name))).toEqual([]);
    const third = await start(args, configDir, server.url);
    expect(third.exitCode).toBe(0);
    expect(third.stderr).toContain('0 tasks created');
    expect(server.stats().tasks_created).toBe(8);
  });
});
