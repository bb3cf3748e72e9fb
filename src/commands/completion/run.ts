import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { bashScript } from './bash.js';
import type { Shell } from './define.js';
import { fishScript } from './fish.js';
import { completionSpec } from './spec.js';
import { zshScript } from './zsh.js';

const GENERATORS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export function runCompletion(shell: Shell, program: Command, { io }: CommandContext): number {
  io.stdout.write(GENERATORS[shell](completionSpec(program)));
  return ExitCode.OK;
}
