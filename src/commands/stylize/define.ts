import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
export function defineStylize(_program: Command, _context: CommandContext): void {}
