import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/runner/inputs.js';
import { listSamples, resolveSample } from '../../src/runner/samples.js';
import { PHOTOS } from '../helpers/cli.js';

describe('bundled sample photos by name', () => {
  it('names each bundled photo by its stem up to the first "_"', () => {
    expect(listSamples().map((sample) => sample.name)).toEqual(['bridge', 'hubble', 'rocket']);
    expect(resolveSample('sample:bridge')).toEqual({ path: join(PHOTOS, 'bridge_1302x953.jpg') });
    expect(resolveSample('sample:bridge_1302x953')).toEqual({ path: join(PHOTOS, 'bridge_1302x953.jpg') });
  });

  it('an unknown sample is one unusable input naming the samples there are', async () => {
    const sources = await expandInputs(['sample:nope', 'sample:hubble'], { recursive: false, readStdin: async () => '' });
    expect(sources).toEqual([
      { kind: 'unusable', label: 'sample:nope', problem: 'no such bundled sample photo; there are sample:bridge, sample:hubble, sample:rocket' },
      { kind: 'file', path: join(PHOTOS, 'hubble_1000x872.jpg'), relativeDir: '', sample: true },
    ]);
  });
});
