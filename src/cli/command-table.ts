import type { Command } from 'commander';
import type { CommandContext } from '../cmdutil/context.js';
import { defineStyles } from '../commands/styles/define.js';
import { defineCheck } from '../commands/check/define.js';
import { defineConfig } from '../commands/config/define.js';
import { defineStylize } from '../commands/stylize/define.js';
import { defineSheet } from '../commands/sheet/define.js';
import { defineStatus } from '../commands/status/define.js';
import { defineEmulator } from '../commands/emulator/define.js';
import { defineHistory } from '../commands/history/define.js';
import { defineDoctor } from '../commands/doctor/define.js';
import { defineCompletion } from '../commands/completion/define.js';
import { defineWatch } from '../commands/watch/define.js';
import { defineMcp } from '../commands/mcp/define.js';

/**
 * Every command, in the order `--help` lists them. Definitions only declare flags and help;
 * each action imports its heavy modules (sharp, got, conf, ora) when it runs.
 */
export const COMMAND_TABLE: readonly ((program: Command, context: CommandContext) => void)[] = [
  defineStylize,
  defineSheet,
  defineStyles,
  defineCheck,
  defineWatch,
  defineStatus,
  defineHistory,
  defineConfig,
  defineEmulator,
  defineMcp,
  defineDoctor,
  defineCompletion,
];
