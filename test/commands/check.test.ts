import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { commandHarness } from '../helpers/command.js';

const photo = (name: string) => fileURLToPath(new URL(`../../fixtures/photos/${name}`, import.meta.url));
const cli = commandHarness();

describe('check, in-process', () => {
  it('colours its verdicts on a terminal, and only there', async () => {
    const files = [photo('bridge_1302x953.jpg'), photo('rocket_640x427.jpg')];
    const tty = await cli.run(['check', ...files], { face: 'tty', env: { NO_COLOR: undefined } });
    expect(tty.exitCode).toBe(ExitCode.ITEM_FAILED);
    expect(tty.stdout).toContain('\u001B[32m');
    expect(tty.stdout).toContain('\u001B[31mmin-size: 640x427 is too small');

    const pipe = await cli.run(['check', ...files], { face: 'pipe', env: { NO_COLOR: undefined } });
    expect(pipe.exitCode).toBe(ExitCode.ITEM_FAILED);
    expect(pipe.stdout).not.toContain('\u001B[');
    expect(pipe.stdout).toContain(`${files[1]}: min-size: 640x427 is too small`);
  });
});
