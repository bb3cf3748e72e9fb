import { copyFileSync, existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, PHOTOS } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-mcp-stdio-0123456789abcdef';
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

/** The SDK's own client, spawning the built CLI's `mcp` over stdio. */
async function connect(args: string[], env: Record<string, string>): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: tempDir('spark-mcp-config-'), ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'spark-style-e2e', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, stderr: () => stderr };
}

const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;

describe('spark-style mcp over stdio (built CLI)', () => {
  it('--offline: lists the tools and styles, stylizes a photo and saves it beside the input', async () => {
    const root = realpathSync(tempDir('spark-mcp-root-'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(root, 'rocket.jpg'));
    const { client, stderr } = await connect(['--offline', '--root', root], {});
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['check_image', 'estimate', 'history', 'list_styles', 'stylize', 'task_status']);
    const styles = await call(client, 'list_styles', {});
    expect((styles.structuredContent as { styles: unknown[] }).styles).toHaveLength(22);
    const done = await call(client, 'stylize', { inputs: ['rocket.jpg'], styles: 'marvel' });
    expect(done.isError).toBeFalsy();
    expect((done.structuredContent as { saved: string[] }).saved).toEqual([join(root, 'rocket.marvel.jpg')]);
    expect(existsSync(join(root, 'rocket.marvel.jpg'))).toBe(true);
    expect(stderr()).toContain('serving on stdio');
  });

  it('against a service: every tool; a path outside the roots sends nothing; the budget holds; a repeated call pays once; the key never appears', async () => {
    let connections = 0;
    const server = await emulator({ latencyMs: 500, onConnection: () => void connections++ });
    const root = realpathSync(tempDir('spark-mcp-root-'));
    const outside = realpathSync(tempDir('spark-mcp-outside-'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(outside, 'secret.jpg'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(root, 'hubble.jpg'));
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(root, 'bridge.jpg'));
    writeFileSync(join(root, 'note.txt'), 'x');
    const { client, stderr } = await connect(['--root', root, '--budget', '0.04'], { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY });
    const refused = await call(client, 'stylize', { inputs: [join(outside, 'secret.jpg')], styles: 'ghibli' });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/outside the allowed roots/);
    const checked = await call(client, 'check_image', { path: 'bridge.jpg' });
    expect(checked.structuredContent).toMatchObject({ ok: true, width: 1302, height: 953 });
    const estimate = await call(client, 'estimate', { inputs: ['hubble.jpg'], styles: 'ghibli' });
    expect(estimate.structuredContent).toMatchObject({ tasks_to_create: 1 });
    expect(connections).toBe(0);

    const first = await call(client, 'stylize', { inputs: ['hubble.jpg'], styles: 'ghibli' });
    const { task_ids } = first.structuredContent as { task_ids: string[] };
    const again = await call(client, 'stylize', { inputs: ['hubble.jpg'], styles: 'ghibli' });
    expect((again.structuredContent as { items: { status: string }[] }).items.map((item) => item.status)).toEqual(['skipped']);
    // $0.03 spent of $0.04: two more at $0.03 are over the cap, and the refusal says what they would cost.
    const over = await call(client, 'stylize', { inputs: ['bridge.jpg', 'hubble.jpg'], styles: ['ghibli', 'clay'] });
    expect(over.isError).toBe(true);
    expect(JSON.stringify(over.content)).toContain('costing about $0.0900, over the $0.0100 left of --budget; nothing was sent');
    expect(server.stats().tasks_created).toBe(1);

    const status = await call(client, 'task_status', { task_ids });
    expect((status.structuredContent as { tasks: { status: string }[] }).tasks.map((task) => task.status)).toEqual(['completed']);
    const history = await call(client, 'history', {});
    expect((history.structuredContent as { tasks: { task_id: string }[] }).tasks.map((task) => task.task_id)).toEqual(task_ids);
    for (const text of [JSON.stringify(first), JSON.stringify(again), JSON.stringify(status), JSON.stringify(history), stderr()])
      expect(text).not.toContain(KEY);
  });
});
