import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ItemRef } from '../../src/engine/types.js';
import { createIO, terminalColumns } from '../../src/terminal/io.js';
import { startProgress } from '../../src/terminal/progress.js';
import { RunReporter } from '../../src/terminal/reporter.js';
import { summarize } from '../../src/engine/summary.js';
import { fakeTerminal } from '../helpers/terminal.js';

const sizelessTerminal = (columns: number | undefined) => fakeTerminal({ columns });

function ioOn(stderr: NodeJS.WritableStream) {
  return createIO({
    stdout: new PassThrough(),
    stderr,
    stdin: new PassThrough(),
    stdoutIsTTY: false,
    stderrIsTTY: true,
    stdinIsTTY: false,
    env: { NO_COLOR: '1' },
  });
}

const item = (index: number): ItemRef => ({ index, input: `photos/a-rather-long-file-name-for-a-photo-${index}.jpg`, style: 'ghibli' });

describe('a terminal that reports no width', () => {
  it.each([[0], [undefined], [Number.NaN]])('columns %s reads as 80', (columns) => {
    expect(terminalColumns(columns)).toBe(80);
    expect(ioOn(sizelessTerminal(columns).stream).columns).toBe(80);
  });

  it('a real width is kept', () => {
    expect(ioOn(sizelessTerminal(132).stream).columns).toBe(132);
  });

  it('the spinner of a 6-item run writes a bounded amount to a 0-column terminal', () => {
    const terminal = sizelessTerminal(0);
    const io = ioOn(terminal.stream);
    let now = 0;
    const reporter = new RunReporter(io, { json: false, quiet: false, total: 6, now: () => now });
    reporter.start();
    const results = [];
    for (let index = 0; index < 6; index++) {
      reporter.handle({ type: 'item-started', item: item(index) });
      for (let step = 1; step <= 20; step++) {
        now += 1000;
        reporter.handle({ type: 'progress', item: item(index), taskId: `t${index}`, status: 'in_progress', progress: step / 20 });
        reporter.note(`note ${index}.${step}`);
      }
      const result = {
        input: item(index).input,
        source: 'file' as const,
        style: 'ghibli',
        status: 'saved' as const,
        output: `p${index}.ghibli.jpg`,
        task_id: `t${index}`,
        cost: '0',
        error: null,
        errorKind: null,
        created: true,
        notes: [],
      };
      results.push(result);
      reporter.handle({ type: 'item-finished', item: item(index), result });
    }
    reporter.finish(summarize(results, now));
    // 6 x 20 redraws of one short line and its notes: a few tens of KB, not megabytes.
    expect(terminal.written()).toBeGreaterThan(1000);
    expect(terminal.written()).toBeLessThan(100_000);
  });

  it('a text wider than the terminal clears the lines it wrapped onto, and no more', () => {
    const terminal = sizelessTerminal(0);
    const writes = [terminal.stream.write, process.stderr.write];
    const progress = startProgress(ioOn(terminal.stream), 'x'.repeat(500));
    const before = terminal.written();
    progress.above(() => undefined);
    progress.stop();
    // 500 characters at 80 columns are 7 lines: 7 clears and 6 moves up, each a few bytes.
    expect(terminal.written() - before).toBeLessThan(2000);
    // ora hooks `write` while it spins: once stopped, every stream writes as before.
    expect([terminal.stream.write, process.stderr.write]).toEqual(writes);
  });
});
