import { afterEach } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server.js';

const running: RunningEmulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

/** The emulator on a free loopback port, closed after the test. Short latency keeps tests quick. */
export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const instance = await startEmulator({ port: 0, latencyMs: 300, ...options });
  running.push(instance);
  return instance;
}
