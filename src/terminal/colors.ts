import { Chalk } from 'chalk';
import type { IO } from './io.js';

export interface Palette {
  error(text: string): string;
  warn(text: string): string;
  ok(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** Colours for stderr, or plain text when the IO says colour is off (pipe, NO_COLOR). */
export function palette(enabled: boolean): Palette {
  const chalk = new Chalk({ level: enabled ? 1 : 0 });
  return { error: chalk.red, warn: chalk.yellow, ok: chalk.green, dim: chalk.dim, bold: chalk.bold };
}

/** Colours for stdout: only when stdout itself is a terminal, never into a file or a pipe. */
export function stdoutPalette(io: Pick<IO, 'colorEnabled' | 'stdoutIsTTY'>): Palette {
  return palette(io.colorEnabled && io.stdoutIsTTY);
}

/** One failure, told the same way by every command: `✖ what: message`, and the hint dimmed below. */
export function failureLines(paint: Palette, what: string, message: string, hint?: string | null): string[] {
  return [`${paint.error('✖')} ${what}: ${message}`, ...(hint ? [paint.dim(`  hint: ${hint}`)] : [])];
}
