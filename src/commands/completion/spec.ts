import type { Command, Option } from 'commander';
import { STYLES } from '../../catalog/styles.js';

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
  /** What the command's positional arguments are; none when it takes none. */
  readonly args: ValueKind;
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
      options: [...command.options.filter((option) => !option.hidden).map(optionSpec), HELP_OPTION],
      args: argumentsKind(command),
    });
    for (const sub of command.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(program, '');
  // commander's implicit `help [command]` is not in program.commands.
  const root = commands[0]!;
  commands[0] = { ...root, subcommands: [...root.subcommands, { name: 'help', description: 'display help for command' }] };
  commands.push({ path: 'help', description: 'display help for command', subcommands: [], options: [], args: { kind: 'words', words: root.subcommands.map((sub) => sub.name) } });
  return { program: program.name(), commands, styles: [...STYLES.map((style) => style.alias), 'all'] };
}

const HELP_OPTION: OptionSpec = { short: '-h', long: '--help', description: 'display help for command', value: { kind: 'none' } };

function optionSpec(option: Option): OptionSpec {
  return { short: option.short ?? null, long: option.long ?? null, description: option.description, value: optionValue(option) };
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
