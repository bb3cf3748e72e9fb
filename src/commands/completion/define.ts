import { Argument, type Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { describeCommand } from '../../cmdutil/help.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function defineCompletion(program: Command, context: CommandContext): void {
  const command = program
    .command('completion')
    .description('print a shell completion script (commands, options, styles after --style, file names)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .action(async (shell: Shell) => {
      const { runCompletion } = await import('./run.js');
      context.exitCode = runCompletion(shell, program, context);
    });
  describeCommand(
    command,
    [
      'spark-style completion bash > ~/.local/share/bash-completion/completions/spark-style',
      'spark-style completion zsh > ~/.zsh/spark-style.zsh   # then in ~/.zshrc, after compinit: source ~/.zsh/spark-style.zsh',
      'spark-style completion fish > ~/.config/fish/completions/spark-style.fish',
      'source <(spark-style completion bash)                  # this shell only',
    ],
    `
The script is generated from the command table: regenerate it after an upgrade to complete
new commands, options and styles.
`,
  );
}
