import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server.js';
import { afterThisTest } from './cleanup.js';

/** The emulator on a free loopback port, closed after the test. Short latency keeps tests quick. */
export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const instance = await startEmulator({ port: 0, latencyMs: 300, ...options });
  afterThisTest(() => instance.close());
  return instance;
}
