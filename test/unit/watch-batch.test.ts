import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSparkStyle } from '../../src/index.js';
import { SessionAllowance } from '../../src/session/allowance.js';
import { type ItemReport, engineBatch } from '../../src/watch/stylize-batch.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

describe('a watch batch over the engine', () => {
  it('a photo gone before its turn is "vanished", not a failure; a bad file is its own failed item; the rest is saved and counted', async () => {
    const folder = tempDir('spark-watch-batch-');
    const photo = join(folder, 'photo.jpg');
    writeFileSync(photo, await makeImage(800, 600));
    writeFileSync(join(folder, 'bad.jpg'), 'not an image');
    const client = createSparkStyle({
      offline: { latencyMs: 0, costPerTask: '0.0300' },
      stateDir: tempDir('spark-watch-state-'),
      clock: fakeClock(Date.now()),
    });
    clients.push(client);
    const reports: ItemReport[] = [];
    const batch = engineBatch(client, { styles: 'ghibli' }, (report) => reports.push(report));
    const allowance = new SessionAllowance({ budgetMicro: null, maxTasks: null });
    const turn = await allowance.turn();
    const outcome = await batch([photo, join(folder, 'gone.jpg'), join(folder, 'bad.jpg')], turn, new AbortController().signal);
    turn.end(outcome);
    const seen = reports.map((report) => (report.kind === 'vanished' ? ['vanished', report.path] : [report.result.status, report.result.input])).sort();
    expect(seen).toEqual([
      ['failed', join(folder, 'bad.jpg')],
      ['saved', photo],
      ['vanished', join(folder, 'gone.jpg')],
    ]);
    expect(outcome).toEqual({ spentMicro: 30_000, tasksCreated: 1, heldBack: 0 });
  });
});
