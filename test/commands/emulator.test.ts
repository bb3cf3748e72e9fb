import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { commandHarness } from '../helpers/command.js';

const harness = commandHarness();
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('spark-style emulator, in-process', () => {
  it('--port already taken: one line "port N is in use" and the usage exit code, no stack', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const result = await harness.run(['emulator', '--port', String(port)]);
    expect(result.exitCode).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain(`port ${port} is in use`);
    expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('serves on a free port, prints its URL alone on stdout, and stops on SIGTERM with exit 0', async () => {
    const run = harness.run(['emulator', '--port', '0', '--latency', '0']);
    const [, url] = await run.untilStderr(/emulator: API on (http:\/\/127\.0\.0\.1:\d+),/);
    expect(await (await fetch(`${url}/_emulator/stats`)).json()).toMatchObject({ tasks_created: 0 });
    run.kill('SIGTERM');
    const result = await run;
    expect(result.exitCode).toBe(ExitCode.OK);
    expect(result.stdout).toBe(url);
    // Closed: nothing listens there any more.
    await expect(fetch(`${url}/_emulator/stats`)).rejects.toThrow();
  });
});
