import type { Command, Option } from 'commander';
import { DEFAULT_BASE_URL } from '../../engine/vocabulary.js';
import { STYLES } from '../../catalog/styles.js';
import { CONFIG_KEYS, type ConfigKey } from '../../config/config-file.js';
import { LEDGER_STATUSES } from '../history/filter.js';

/** What may follow an option or stand as a command's argument. */
export type ValueKind =
  | { readonly kind: 'none' }
  | { readonly kind: 'any' }
  | { readonly kind: 'files' }
  | { readonly kind: 'dirs' }
  /** Style aliases (and `all`), also after a comma: `--style ghibli,wat<TAB>`. */
  | { readonly kind: 'styles' }
  | { readonly kind: 'words'; readonly words: readonly string[] };

interface OptionSpec {
  readonly short: string | null;
  readonly long: string | null;
  readonly description: string;
  readonly value: ValueKind;
}

export interface CommandSpec {
  /** Space-separated names from the program down: '' for the program, 'config set'. */
  readonly path: string;
  readonly description: string;
  readonly subcommands: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly OptionSpec[];
  /** What the command's first positional argument is (and every one after it, when it is variadic); none when it takes none. */
  readonly args: ValueKind;
  readonly variadic: boolean;
  /** The second positional argument, by the value of the first: `config set default-style <TAB>`. */
  readonly secondArg: Readonly<Record<string, ValueKind>>;
}

export interface CompletionSpec {
  readonly program: string;
  readonly commands: readonly CommandSpec[];
  readonly styles: readonly string[];
}

/**
 * The completion data, read from commander's own command table: a new command, option or
 * style is completed the next time the script is generated, with no completion code to edit.
 */
export function completionSpec(program: Command): CompletionSpec {
  const commands: CommandSpec[] = [];
  const walk = (command: Command, path: string) => {
    commands.push({
      path,
      description: command.description(),
      subcommands: command.commands.map((sub) => ({ name: sub.name(), description: sub.description() })),
      options: [...command.options.filter((option) => !option.hidden).map((option) => optionSpec(option, path)), HELP_OPTION],
      args: ARGUMENT_VALUES[path]?.first ?? argumentsKind(command),
      variadic: command.registeredArguments[0]?.variadic ?? false,
      secondArg: ARGUMENT_VALUES[path]?.second ?? {},
    });
    for (const sub of command.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(program, '');
  // commander's implicit `help [command]` is not in program.commands.
  const root = commands[0]!;
  commands[0] = { ...root, subcommands: [...root.subcommands, { name: 'help', description: 'display help for command' }] };
  commands.push({
    path: 'help',
    description: 'display help for command',
    subcommands: [],
    options: [],
    args: { kind: 'words', words: root.subcommands.map((sub) => sub.name) },
    variadic: false,
    secondArg: {},
  });
  return { program: program.name(), commands, styles: [...STYLES.map((style) => style.alias), 'all'] };
}

const STYLE_ALIASES: ValueKind = { kind: 'words', words: STYLES.map((style) => style.alias) };

/** What `config set <key>` takes after each key: a Record over every key, so a new key must say. */
const CONFIG_VALUES: Record<ConfigKey, ValueKind> = {
  'api-key': { kind: 'words', words: ['-'] },
  'base-url': { kind: 'words', words: [DEFAULT_BASE_URL] },
  'default-style': STYLE_ALIASES,
  'out-dir': { kind: 'dirs' },
  concurrency: { kind: 'any' },
  'name-template': { kind: 'any' },
  ledger: { kind: 'any' },
};

/**
 * Positional values commander's table does not carry (their commands are defined in the
 * startup bundle, which should not load these tables), read from the tables that define them.
 */
const ARGUMENT_VALUES: Readonly<Record<string, { first: ValueKind; second?: Readonly<Record<string, ValueKind>> }>> = {
  'config set': { first: { kind: 'words', words: CONFIG_KEYS }, second: CONFIG_VALUES },
  'config get': { first: { kind: 'words', words: CONFIG_KEYS } },
  'config unset': { first: { kind: 'words', words: CONFIG_KEYS } },
};

/** Option values checked by the command rather than by a commander parser, by "<command path>|<long flag>". */
const OPTION_VALUES: Readonly<Record<string, ValueKind>> = {
  'history|--status': { kind: 'words', words: LEDGER_STATUSES },
  'history|--style': STYLE_ALIASES,
};

const HELP_OPTION: OptionSpec = { short: '-h', long: '--help', description: 'display help for command', value: { kind: 'none' } };

function optionSpec(option: Option, path: string): OptionSpec {
  const known = option.long ? OPTION_VALUES[`${path}|${option.long}`] : undefined;
  return { short: option.short ?? null, long: option.long ?? null, description: option.description, value: known ?? optionValue(option) };
}

function optionValue(option: Option): ValueKind {
  if (!option.required && !option.optional) return { kind: 'none' };
  const choices = option.argChoices ?? (option.parseArg as { choices?: readonly string[] } | undefined)?.choices;
  if (choices?.length) return { kind: 'words', words: choices };
  if (option.long === '--style') return { kind: 'styles' };
  if (option.long === '--sub-style') return { kind: 'words', words: [...new Set(STYLES.flatMap((style) => (style.subReqKey ? [style.subReqKey] : [])))] };
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? '';
  if (/^(dir|folder)/i.test(placeholder)) return { kind: 'dirs' };
  if (/^(file|path)/i.test(placeholder)) return { kind: 'files' };
  return { kind: 'any' };
}

function argumentsKind(command: Command): ValueKind {
  const [first] = command.registeredArguments;
  if (!first) return { kind: 'none' };
  if (first.argChoices?.length) return { kind: 'words', words: first.argChoices };
  return /input|file|path|image|photo/i.test(first.name()) ? { kind: 'files' } : { kind: 'any' };
}
