import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
export function defineEmulator(_program: Command, _context: CommandContext): void {}
