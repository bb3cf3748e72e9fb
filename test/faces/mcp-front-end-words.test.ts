import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeImage } from '../helpers/images.js';
import { errorText, mcpInProcess, photoFolder, structuredOf } from '../helpers/mcp.js';

type Item = { status: string; error: { code: string; message: string } | null };

describe('spark-style mcp: what it tells an agent to do names the tool arguments, not CLI flags', () => {
  it('an outcome-unknown photo is left alone, its hint names resend_unknown, and resend_unknown: true sends it again', async () => {
    const root = photoFolder();
    writeFileSync(join(root, 'rocket.jpg'), await makeImage(800, 600));
    // The first create makes its task, then the connection drops: the engine cannot know it was made.
    const setup = await mcpInProcess({ root, emulator: { faults: { dropCreate: { count: 1 } } } });
    await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli' });
    expect(setup.server.stats().tasks_created).toBe(1);

    const held = structuredOf(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli' }));
    const [item] = held.items as Item[];
    expect(item!.error?.message).toContain('outcome unknown');
    expect(item!.error?.message).toContain('resend_unknown: true');
    expect(item!.error?.message).not.toContain('--resend-unknown');
    expect(setup.server.stats().creates_received).toBe(1);

    const resent = structuredOf(await setup.call('stylize', { inputs: ['rocket.jpg'], styles: 'ghibli', resend_unknown: true }));
    expect((resent.items as Item[]).map((one) => one.status)).toEqual(['saved']);
    expect(setup.server.stats().tasks_created).toBe(2);
  });

  it('output-collision tells the agent to change the name argument, not --name', async () => {
    const root = photoFolder();
    writeFileSync(join(root, 'a.jpg'), await makeImage(800, 600));
    writeFileSync(join(root, 'b.jpg'), await makeImage(808, 604));
    const setup = await mcpInProcess({ root });
    const text = errorText(await setup.call('stylize', { inputs: ['a.jpg', 'b.jpg'], styles: 'ghibli', name: 'same.{ext}' }));
    expect(text).toContain('output-collision');
    expect(text).toContain('name argument');
    expect(text).not.toContain('--name');
    expect(setup.connections()).toBe(0);
  });
});
