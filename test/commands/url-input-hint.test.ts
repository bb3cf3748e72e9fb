import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { jsonLines } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-e2e-url-0123456789abcdef';

describe('a URL input the service cannot fetch', () => {
  it('is failed with advice about the URL, not "run again with --retry-failed"', async () => {
    // The photo host says 404: the emulator, like the service, cannot fetch it (003008097).
    const photoHost = createServer((_request, response) => {
      response.statusCode = 404;
      response.end('not here');
    });
    await new Promise<void>((resolve) => photoHost.listen(0, '127.0.0.1', resolve));
    try {
      const server = await cli.emulator();
      const url = `http://127.0.0.1:${(photoHost.address() as AddressInfo).port}/private/photo.jpg`;
      const env = { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY };
      const result = await cli.run(['stylize', url, '--style', 'anime', '--out', tempDir()], { env });
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('003008097');
      expect(result.stderr).toContain('hint: the service could not fetch the image at this URL: check that it opens publicly');
      expect(result.stderr).not.toContain('--retry-failed');

      const json = await cli.run(['stylize', url, '--style', 'anime', '--out', tempDir(), '--json', '--retry-failed'], { env });
      const item = jsonLines(json.stdout).find((line) => line.input === url)!;
      expect(item).toMatchObject({ status: 'failed', error: { code: '003008097' } });
    } finally {
      photoHost.close();
    }
  });
});
