import { InvalidArgumentError, type Command } from 'commander';

/** Every command gets examples in its help, and a one-line pointer to it after a usage error. */
export function describeCommand(command: Command, examples: readonly string[], extra = ''): Command {
  return command
    .showHelpAfterError(`(run 'spark-style help ${command.name()}' for usage)`)
    .addHelpText('after', `\nExamples:\n${examples.map((example) => `  $ ${example}`).join('\n')}\n${extra}`);
}

/** An option parser for whole numbers in a range; commander reports a bad value as a usage error. */
export function integerOption(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

export function numberOption(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`Expected a number from ${min} to ${max}.`);
    }
    return value;
  };
}

export function choiceOption<T extends string>(choices: readonly T[]) {
  const parse = (raw: string): T => {
    if (!(choices as readonly string[]).includes(raw)) throw new InvalidArgumentError(`Expected one of: ${choices.join(', ')}.`);
    return raw as T;
  };
  // Shell completion (commands/completion/spec.ts) offers these values.
  return Object.assign(parse, { choices });
}
