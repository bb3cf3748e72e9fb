import { clearLine, cursorTo, moveCursor } from 'node:readline';
import { PassThrough, Writable } from 'node:stream';
import { createIO, type IO } from '../../src/terminal/io.js';

/**
 * An in-memory terminal: claims isTTY, reports `columns` (0 is a pseudo-terminal without a
 * size), keeps what is written, cursor movements included. Past `limit` bytes it throws, so a
 * spinner that runs away fails a test instead of filling the memory.
 */
export function fakeTerminal({ columns, limit = 1_000_000 }: { columns: number | undefined; limit?: number } = { columns: 100 }) {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const originalWrite = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const terminal = Object.assign(stream, {
    isTTY: true,
    columns,
    rows: 0,
    write: (chunk: string | Uint8Array, ...rest: unknown[]) => {
      bytes += Buffer.byteLength(chunk);
      if (bytes > limit) throw new Error(`more than ${limit} bytes written to a terminal`);
      return originalWrite(chunk, ...rest);
    },
    cursorTo: (x: number, y?: number) => cursorTo(terminal, x, y),
    moveCursor: (dx: number, dy: number) => moveCursor(terminal, dx, dy),
    clearLine: (dir: -1 | 0 | 1) => clearLine(terminal, dir),
  });
  return { stream: terminal, written: () => bytes, text: () => Buffer.concat(chunks).toString() };
}

/** A pipe that keeps what is written. */
export function fakePipe() {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

/** An IO on in-memory streams: both sides terminals (the TTY face) or both pipes. */
export function memoryIO(face: 'tty' | 'pipe', env: NodeJS.ProcessEnv = { NO_COLOR: '1' }): { io: IO; stdout: () => string; stderr: () => string } {
  const stdout = face === 'tty' ? fakeTerminal() : fakePipe();
  const stderr = face === 'tty' ? fakeTerminal() : fakePipe();
  const io = createIO({
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: new PassThrough(),
    stdoutIsTTY: face === 'tty',
    stderrIsTTY: face === 'tty',
    stdinIsTTY: false,
    env,
  });
  return { io, stdout: stdout.text, stderr: stderr.text };
}
