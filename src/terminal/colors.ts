import { Chalk } from 'chalk';

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
