import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/**
 * HTTP requests this process has sent and not finished (node:http's diagnostics channel, which
 * got's requests go through). The virtual clock holds time while any is on its way: an answer
 * already coming must arrive before a retry's wait or a timeout elapses, as on a real clock.
 */
let inFlight = 0;
const quiet: (() => void)[] = [];

subscribe('http.client.request.start', (message) => {
  const { request } = message as { request: ClientRequest };
  inFlight++;
  request.once('close', () => {
    inFlight--;
    if (inFlight > 0) return;
    for (const wake of quiet.splice(0)) wake();
  });
});

/** Resolves once no request is in flight. */
export function httpQuiet(): Promise<void> {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => quiet.push(resolve));
}
