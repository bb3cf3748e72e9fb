import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImage } from '../helpers/images.js';
import { errorText, mcpInProcess, photoFolder, structuredOf } from '../helpers/mcp.js';
import { tempDir } from '../helpers/tmp.js';

/** Real, distinct photos (800x600, 808x604, ...) in a fresh root. */
async function withPhotos(names: string[]): Promise<string> {
  const root = photoFolder();
  for (const [index, name] of names.entries()) writeFileSync(join(root, name), await makeImage(800 + index * 8, 600 + index * 4));
  return root;
}

describe('spark-style mcp, in-process with the SDK client: the tools', () => {
  it('lists its six tools, each with a JSON Schema for its arguments and its result', async () => {
    const { client } = await mcpInProcess({ root: photoFolder() });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['check_image', 'estimate', 'history', 'list_styles', 'stylize', 'task_status']);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
    const stylize = tools.find((tool) => tool.name === 'stylize')!;
    expect(stylize.inputSchema.required).toEqual(['inputs', 'styles']);
  });

  it('list_styles: the 22 styles as structured content', async () => {
    const setup = await mcpInProcess({ root: photoFolder() });
    const { styles } = structuredOf(await setup.call('list_styles', {})) as { styles: { alias: string; req_key: string }[] };
    expect(styles).toHaveLength(22);
    expect(styles.map((style) => style.alias)).toContain('ghibli');
    expect(setup.connections()).toBe(0);
  });

  it('check_image: a good photo passes, a text file renamed .jpg breaks its rules; nothing is sent', async () => {
    const root = await withPhotos(['rocket.jpg']);
    writeFileSync(join(root, 'notes.jpg'), 'not a picture at all');
    const setup = await mcpInProcess({ root });
    const good = structuredOf(await setup.call('check_image', { path: 'rocket.jpg' }));
    expect(good).toMatchObject({ ok: true, format: 'jpeg', width: 800, height: 600 });
    const bad = structuredOf(await setup.call('check_image', { path: join(root, 'notes.jpg') }));
    expect(bad.ok).toBe(false);
    expect((bad.errors as unknown[]).length).toBeGreaterThan(0);
    expect(setup.connections()).toBe(0);
  });

  it('estimate: the plan and its cost, nothing sent', async () => {
    const root = await withPhotos(['rocket.jpg', 'hubble.jpg']);
    const setup = await mcpInProcess({ root });
    const plan = structuredOf(await setup.call('estimate', { inputs: [root], styles: ['ghibli', 'clay'] }));
    expect(plan.tasks_to_create).toBe(4);
    expect((plan.items as { action: string }[]).map((item) => item.action)).toEqual(['create', 'create', 'create', 'create']);
    expect(setup.server.stats().creates_received).toBe(0);
  });

  it('stylize: waits, saves, returns paths, task ids and costs, with progress notifications; the same call again pays nothing', async () => {
    const root = await withPhotos(['rocket.jpg', 'hubble.jpg']);
    const setup = await mcpInProcess({ root });
    const progress: number[] = [];
    const first = structuredOf(await setup.call('stylize', { inputs: [root], styles: 'ghibli' }, { onprogress: (update) => progress.push(update.progress) }));
    expect(first.saved).toEqual([join(root, 'hubble.ghibli.jpg'), join(root, 'rocket.ghibli.jpg')]);
    for (const path of first.saved as string[]) expect(existsSync(path)).toBe(true);
    expect(first.task_ids).toHaveLength(2);
    expect(first).toMatchObject({ tasks_created: 2, cost_usd: '0.0600', interrupted: false, session: { spent_usd: '0.0600', tasks_created: 2 } });
    expect(progress).toEqual([1, 2]);
    // An agent retries: the results (now in the same folder) are not inputs, the photos are done.
    const again = structuredOf(await setup.call('stylize', { inputs: [root], styles: 'ghibli' }));
    expect((again.items as { status: string }[]).map((item) => item.status)).toEqual(['skipped', 'skipped']);
    expect(again.tasks_created).toBe(0);
    expect(setup.server.stats().tasks_created).toBe(2);
  });

  it('task_status: the tasks by id (status, cost); an unknown id is its own error, the others still answered', async () => {
    const root = await withPhotos(['photo.jpg']);
    const setup = await mcpInProcess({ root });
    const { task_ids } = structuredOf(await setup.call('stylize', { inputs: ['photo.jpg'], styles: 'clay' })) as { task_ids: string[] };
    const { tasks } = structuredOf(await setup.call('task_status', { task_ids: [...task_ids, 'no-such-task'] })) as {
      tasks: { task_id: string; status: string; cost?: string | null; error: { message: string } | null }[];
    };
    expect(tasks[0]).toMatchObject({ task_id: task_ids[0], status: 'completed', cost: '0.0300', error: null });
    expect(tasks[1]).toMatchObject({ task_id: 'no-such-task', status: 'error' });
    expect(setup.server.stats().tasks_created).toBe(1);
  });

  it('history: the tasks of inputs under the roots', async () => {
    const root = await withPhotos(['rocket.jpg']);
    const setup = await mcpInProcess({ root });
    structuredOf(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'clay' }));
    const { tasks } = structuredOf(await setup.call('history', { style: 'clay' })) as { tasks: { input: string; status: string }[] };
    expect(tasks).toEqual([expect.objectContaining({ input: join(root, 'rocket.jpg'), status: 'saved' })]);
  });
});

describe('spark-style mcp: an untrusted caller', () => {
  it('refuses inputs outside the roots, after symlinks, before reading them: the emulator receives nothing', async () => {
    const root = await withPhotos(['rocket.jpg']);
    const secret = tempDir('spark-mcp-secret-');
    writeFileSync(join(secret, 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----');
    symlinkSync(join(secret, 'id_rsa'), join(root, 'holiday.jpg'));
    const setup = await mcpInProcess({ root });
    for (const inputs of [['/etc/passwd'], ['holiday.jpg'], ['../'], [join(secret, 'id_rsa')], ['rocket.jpg', 'holiday.jpg']]) {
      for (const tool of ['stylize', 'estimate']) {
        expect(errorText(await setup.call(tool, { inputs, styles: 'ghibli' }))).toMatch(/^error \[outside-roots\]: .*outside the allowed roots/);
      }
    }
    expect(errorText(await setup.call('check_image', { path: 'holiday.jpg' }))).toMatch(/outside the allowed roots/);
    expect(errorText(await setup.call('stylize', { inputs: ['https://example.com/a.jpg'], styles: 'ghibli' }))).toMatch(/--allow-urls/);
    expect(errorText(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli', out_dir: secret }))).toMatch(/outputs may only go under/);
    expect(errorText(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli', name: '../../{stem}.{ext}' }))).toMatch(
      /name-template|outputs may only go under/,
    );
    expect(setup.connections()).toBe(0);
    expect(setup.server.stats().creates_received).toBe(0);
  });

  it('--allow-urls: URL inputs are taken, their results planned into the first root (nothing sent)', async () => {
    const root = photoFolder();
    const setup = await mcpInProcess({ root, allowUrls: true });
    const plan = structuredOf(await setup.call('estimate', { inputs: ['http://127.0.0.1:9/photo.jpg'], styles: 'ghibli' }));
    expect(plan.items).toEqual([expect.objectContaining({ input: 'http://127.0.0.1:9/photo.jpg', style: 'ghibli', action: 'create' })]);
    expect((plan.items as { output: string }[])[0]!.output.startsWith(`${root}/`)).toBe(true);
    expect(setup.connections()).toBe(0);
  });

  it('a hostile service echoing the key in a failed task: the key never reaches the caller', async () => {
    const root = await withPhotos(['photo.jpg']);
    const setup = await mcpInProcess({ root, emulator: { faults: { failEvery: 1, hostileMessage: 'denied for Bearer sk-mcp-test-key' } } });
    const done = await setup.call('stylize', { inputs: ['photo.jpg'], styles: 'ghibli' });
    const text = JSON.stringify(done);
    expect(text).toContain('denied for Bearer');
    expect(text).not.toContain(setup.key);
  });

  it('--out: every result goes under it, an out_dir elsewhere is refused', async () => {
    const root = await withPhotos(['rocket.jpg']);
    const out = join(root, 'art');
    mkdirSync(out);
    const setup = await mcpInProcess({ root, out });
    expect(errorText(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli', out_dir: root }))).toMatch(/outputs may only go under/);
    const done = structuredOf(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli' }));
    expect(done.saved).toEqual([join(out, 'rocket.ghibli.jpg')]);
  });

  it('--budget holds for the whole session: a call over what is left is refused, naming its cost; max_cost lowers it', async () => {
    const root = await withPhotos(['rocket.jpg', 'hubble.jpg', 'bridge.jpg']);
    const setup = await mcpInProcess({ root, budgetMicro: 50_000 });
    structuredOf(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli' }));
    // $0.03 spent, $0.02 left; two more at the seen price of $0.03 each would cost $0.06.
    const refused = errorText(await setup.call('stylize', { inputs: ['hubble.jpg', 'bridge.jpg'], styles: 'ghibli' }));
    expect(refused).toBe('error [refused]: this call would create 2 tasks costing about $0.0600, over the $0.0200 left of --budget; nothing was sent');
    const capped = errorText(await setup.call('stylize', { inputs: ['hubble.jpg'], styles: 'ghibli', max_cost: 0.01 }));
    expect(capped).toMatch(/costing about \$0\.0300, over the \$0\.0100 left of max_cost/);
    expect(setup.server.stats().tasks_created).toBe(1);
  });

  it('--max-tasks holds for the whole session', async () => {
    const root = await withPhotos(['rocket.jpg', 'hubble.jpg']);
    const setup = await mcpInProcess({ root, maxTasks: 1 });
    expect(errorText(await setup.call('stylize', { inputs: [root], styles: 'ghibli' }))).toMatch(
      /would create 2 tasks, more than the 1 left under --max-tasks/,
    );
    structuredOf(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli' }));
    expect(errorText(await setup.call('stylize', { inputs: ['hubble.jpg'], styles: 'ghibli' }))).toMatch(/more than the 0 left/);
    expect(setup.server.stats().tasks_created).toBe(1);
  });

  it('a cancelled stylize stops as Ctrl-C does: the task created is recorded, and the call again collects it without paying', async () => {
    const root = await withPhotos(['rocket.jpg']);
    const cancel = new AbortController();
    const setup = await mcpInProcess({ root, emulator: { onTaskCreated: () => cancel.abort() } });
    await expect(setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli' }, { signal: cancel.signal })).rejects.toThrow(/abort/i);
    const again = structuredOf(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli' }));
    expect(again.saved).toEqual([join(root, 'rocket.ghibli.jpg')]);
    expect(again.tasks_created).toBe(0);
    expect(setup.server.stats().tasks_created).toBe(1);
  });
});
