import { execa, type Options } from 'execa';
import { fileURLToPath } from 'node:url';
import { tempDir } from './tmp.js';

export const CLI = fileURLToPath(new URL('../../bin/spark-style.js', import.meta.url));
export const PHOTOS = fileURLToPath(new URL('../../fixtures/photos/', import.meta.url));

/**
 * Runs the built CLI. Every run gets its own config folder and, unless the test says
 * otherwise, a base URL on loopback where nothing listens: no test can reach the real service.
 */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string; cwd?: string; configDir?: string } & Pick<Options, 'timeout'> = {},
) {
  return execa(process.execPath, [CLI, ...args], {
    reject: false,
    cwd: options.cwd,
    input: options.input,
    timeout: options.timeout ?? 60_000,
    extendEnv: false,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      SPARK_STYLE_CONFIG_DIR: options.configDir ?? tempDir('spark-style-config-'),
      SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9',
      ...options.env,
    },
  });
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
