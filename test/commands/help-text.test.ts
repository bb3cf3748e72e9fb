import { describe, expect, it } from 'vitest';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

/** Help columns wrap: compare the text with its line breaks and indents folded to spaces. */
const folded = (text: string) => text.replace(/\s+/g, ' ');

describe('--help says what the commands do', () => {
  it.each(['stylize', 'sheet'])('%s: --max-tasks is also enforced while running, and --timeout shows its unit', async (command) => {
    const help = folded((await cli.run([command, '--help'])).stdout);
    expect(help).toContain('refuse to run if more than n tasks would be created; also enforced while running (creates beyond n are not started)');
    expect(help).toContain('(default: "600s")');
  });

  it('the exit-code table lists 129, the code a run ended by a hangup (SIGHUP) leaves with', async () => {
    const help = folded((await cli.run(['--help'])).stdout);
    expect(help).toContain('129 the terminal hung up (SIGHUP');
    expect(help).toContain('130 interrupted (Ctrl-C or SIGTERM)');
  });

  it('status --wait shows the same default as stylize, with its unit', async () => {
    expect(folded((await cli.run(['status', '--help'])).stdout)).toContain('(default: "600s")');
  });
});
