import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ItemOutcome, ItemRef } from '../../src/engine/types.js';
import { createIO } from '../../src/terminal/io.js';
import { RunReporter } from '../../src/terminal/reporter.js';
import { summarize } from '../../src/engine/summary.js';

function capture(tty: boolean) {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const io = createIO({ stdout, stderr, stdin: new PassThrough(), stdoutIsTTY: false, stderrIsTTY: tty, stdinIsTTY: false, env: { NO_COLOR: '1' } });
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const item = (index: number, input: string): ItemRef => ({ index, input, style: 'ghibli' });
const saved = (input: string): ItemOutcome => ({
  input,
  source: 'file',
  style: 'ghibli',
  status: 'saved',
  output: `${input}.ghibli.jpg`,
  task_id: `t-${input}`,
  cost: '0.0300',
  error: null,
  errorKind: null,
  created: true,
  notes: [],
});
const failed = (input: string): ItemOutcome => ({
  ...saved(input),
  status: 'failed',
  output: null,
  cost: null,
  error: { code: '003008095', message: 'task t failed with 003008095: internal generation error' },
  errorKind: 'task-failed',
  hint: 'a new task may succeed: run again with --retry-failed',
});

describe('RunReporter', () => {
  it('in a pipe: saved paths on stdout, plain failure lines and the summary on stderr, no spinner', () => {
    const { io, out, err } = capture(false);
    const reporter = new RunReporter(io, { json: false, quiet: false, total: 2 });
    reporter.start();
    reporter.handle({ type: 'item-started', item: item(0, 'a.jpg') });
    reporter.handle({ type: 'item-finished', item: item(0, 'a.jpg'), result: saved('a.jpg') });
    reporter.handle({ type: 'item-finished', item: item(1, 'b.jpg'), result: failed('b.jpg') });
    const results = [saved('a.jpg'), failed('b.jpg')];
    reporter.finish(summarize(results, 61_000));
    expect(out()).toBe('a.jpg.ghibli.jpg\n');
    expect(err()).toBe(
      '✖ b.jpg (ghibli): task t failed with 003008095: internal generation error\n' +
        '  hint: a new task may succeed: run again with --retry-failed\n' +
        // The failed task was created too: it counts, but its cost (none reported) does not.
        'saved 1, failed 1 · 2 tasks created · $0.0300 (+ 1 of unknown cost) · 1m01s\n',
    );
  });

  it('with --json: one object per item, then the summary, and nothing else on stdout', () => {
    const { io, out } = capture(false);
    const reporter = new RunReporter(io, { json: true, quiet: true, total: 1 });
    reporter.handle({ type: 'item-finished', item: item(0, 'a.jpg'), result: saved('a.jpg') });
    reporter.finish(summarize([saved('a.jpg')], 1000));
    const lines = out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ input: 'a.jpg', style: 'ghibli', status: 'saved', output: 'a.jpg.ghibli.jpg', task_id: 't-a.jpg', cost: '0.0300', error: null });
    expect(lines[1]).toMatchObject({ summary: { total: 1, saved: 1, tasks_created: 1, cost_usd: '0.0300' } });
  });

  it('on a terminal: a live line with done/total, failures, elapsed and ETA', () => {
    const { io, err } = capture(true);
    const reporter = new RunReporter(io, { json: false, quiet: false, total: 4 });
    reporter.start();
    reporter.handle({ type: 'item-started', item: item(0, 'a.jpg') });
    reporter.handle({ type: 'item-started', item: item(1, 'b.jpg') });
    reporter.handle({ type: 'item-finished', item: item(0, 'a.jpg'), result: saved('a.jpg') });
    reporter.handle({ type: 'item-finished', item: item(1, 'b.jpg'), result: failed('b.jpg') });
    reporter.finish(summarize([saved('a.jpg'), failed('b.jpg')], 2000));
    expect(err()).toMatch(/2\/4 done · 1 failed · \d+s elapsed · ETA \d+s/);
    expect(err()).toContain('✖ b.jpg (ghibli)');
  });
});

describe('RunReporter warnings', () => {
  it('prints the same warning from many items once, even with --quiet', () => {
    const { io, err } = capture(false);
    const reporter = new RunReporter(io, { json: false, quiet: true, total: 3 });
    for (const index of [0, 1, 2])
      reporter.handle({ type: 'warning', item: item(index, `p${index}.jpg`), message: 'the ledger could not let a claim go (database or disk is full)' });
    reporter.handle({ type: 'warning', item: item(0, 'p0.jpg'), message: 'something else' });
    expect(err()).toBe('warning: the ledger could not let a claim go (database or disk is full)\nwarning: something else\n');
  });
});

describe('IO', () => {
  it('never prints a registered secret', () => {
    const { io, out, err } = capture(false);
    io.addSecret('sk-live-secret-123456');
    io.print('key=sk-live-secret-123456 twice sk-live-secret-123456');
    io.info('Bearer sk-live-secret-123456');
    expect(out()).toBe('key=[redacted] twice [redacted]\n');
    expect(err()).toBe('Bearer [redacted]\n');
  });
});
