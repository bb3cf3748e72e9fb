import type { Clock } from '../../core/clock.js';
import { probeService } from './probe.js';
import { fail, pass, type CheckResult } from './verdicts.js';

/**
 * doctor --offline: what an --offline run needs beyond the local checks is the emulator,
 * listening and answering on loopback. Started here, not through the client's connection: this
 * check must work (and send nothing anywhere) whatever the client would connect to.
 */
export async function checkOfflineEmulator(timeoutMs: number, clock: Clock): Promise<CheckResult> {
  const { startEmulator } = await import('../../emulator/server.js');
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ port: 0 });
  } catch (error) {
    return fail('offline emulator', `could not listen on 127.0.0.1: ${(error as Error).message}`, 'loopback networking must work for --offline runs');
  }
  try {
    const [service] = await probeService({ baseUrl: emulator.url, apiKey: 'offline', timeoutMs, clock });
    return service!.status === 'pass'
      ? pass('offline emulator', `answers on loopback (${emulator.url}); the service and the key were not checked (--offline)`)
      : { ...service!, check: 'offline emulator' };
  } finally {
    await emulator.close();
  }
}
