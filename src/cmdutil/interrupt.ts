import { constants } from 'node:os';
import type { ProcessControl, StopSignal } from './context.js';
import { ExitCode } from './exit-codes.js';
import { leaveByHangupAtExit, noteTerminals } from './hangup.js';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Signals this process sent to itself and has not received yet. Some dependencies re-send a
 * signal after their own cleanup: `conf` (loaded only to change the config file; no command
 * that handles interrupts loads it now, so this is a defence) loads `atomically`, which loads `when-exit`, whose
 * handler runs its callbacks and then calls process.kill(process.pid, 'SIGINT'). That copy is
 * not the user's second Ctrl-C, and must not end the run at once. Counting the signals that
 * go through process.kill to our own pid tells the two apart without guessing from timing.
 */
const sentToSelf = new Map<StopSignal, number>();
let watching = false;

function watchSelfSentSignals(): void {
  if (watching) return;
  watching = true;
  const original = process.kill.bind(process);
  process.kill = ((pid: number, signal?: string | number) => {
    const name = stopSignalName(signal);
    const toSelf = name !== null && (pid === process.pid || pid === 0);
    if (toSelf) sentToSelf.set(name, (sentToSelf.get(name) ?? 0) + 1);
    try {
      return original(pid, signal);
    } catch (error) {
      if (toSelf) sentToSelf.set(name, (sentToSelf.get(name) ?? 1) - 1);
      throw error;
    }
  }) as typeof process.kill;
}

function stopSignalName(signal: string | number | undefined): StopSignal | null {
  if (typeof signal === 'number') return STOP_SIGNALS.find((name) => constants.signals[name] === signal) ?? null;
  return STOP_SIGNALS.find((name) => name === signal) ?? null;
}

/** True (and forgotten) when this delivery is a copy this process sent itself. */
function isEcho(signal: StopSignal): boolean {
  const pending = sentToSelf.get(signal) ?? 0;
  if (pending <= 0) return false;
  sentToSelf.set(signal, pending - 1);
  return true;
}

/**
 * Ctrl-C, SIGTERM and SIGHUP the same way for every long-running command: the first one
 * aborts the returned signal, so the work stops gracefully (nothing new starts, creates on
 * the wire finish and are recorded); a second one from outside leaves at once with exit 130
 * (the ledger then holds "outcome unknown" for a create cut off, never a silent second payment).
 */
export function handleInterrupts(host: ProcessControl, onFirst?: (signal: StopSignal) => void): { signal: AbortSignal; dispose(): void } {
  // Only the real process can send itself a signal through process.kill; a test's fake cannot.
  const real = host === process;
  if (real) {
    watchSelfSentSignals();
    noteTerminals();
  }
  const controller = new AbortController();
  const listeners = STOP_SIGNALS.map((name) => {
    const listener = () => {
      if (real && isEcho(name)) return;
      // Only the real process has a terminal to leave by hangup.
      if (real && name === 'SIGHUP') leaveByHangupAtExit();
      if (controller.signal.aborted) return void host.exit(ExitCode.INTERRUPTED);
      controller.abort();
      onFirst?.(name);
    };
    host.on(name, listener);
    return [name, listener] as const;
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [name, listener] of listeners) host.off(name, listener);
    },
  };
}
