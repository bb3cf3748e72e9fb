// After an --offline run, no hint leads nowhere: doctor checks what offline needs, history says
// plainly that offline tasks end with their run, and a missing key's hint says so too.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { runDoctor } from '../../src/commands/doctor/run.js';
import { runHistory } from '../../src/commands/history/run.js';
import { MissingKeyError } from '../../src/core/errors.js';
import { contextIn } from '../helpers/command-context.js';
import { tempDir } from '../helpers/tmp.js';

describe('offline without dead ends', () => {
  it('doctor --offline passes with no key, checks the emulator on loopback, and never asks the service', async () => {
    // A base URL where nothing listens: a doctor that still probed the service would fail with exit 4.
    const { context, stdout } = contextIn(tempDir(), { SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9' });
    expect(await runDoctor({ offline: true, json: true }, context)).toBe(ExitCode.OK);
    const report = JSON.parse(stdout()) as { ok: boolean; checks: { check: string; status: string; detail: string }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.check)).toEqual(['node', 'sharp', 'config folder', 'config', 'ledger', 'offline emulator']);
    expect(report.checks.at(-1)).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^answers on loopback \(http:\/\/127\.0\.0\.1:\d+\)/) });
  });

  it('history with nothing recorded says that --offline runs are not recorded', async () => {
    const { context, stderr, stdout } = contextIn(tempDir());
    expect(await runHistory({}, context)).toBe(ExitCode.OK);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(/^no tasks recorded yet \(the ledger will be .*\); runs with --offline are not recorded: their tasks end with the run\n$/);
  });

  it("a missing key's hint offers --offline only where it exists (stylize), and says its tasks end with the run", () => {
    expect(new MissingKeyError().hint).toBe(
      'Try it without a key first: spark-style stylize <photo> --style ghibli --offline (offline tasks end with that run: status and history never see them)',
    );
  });
});
