import { ExitCode } from './exit-codes.js';

/**
 * Ctrl-C (or SIGTERM) the same way for every long-running command: the first one aborts the
 * returned signal, so the work stops gracefully (created tasks stay journaled); a second one
 * leaves at once with exit 130.
 */
export function handleInterrupts(onFirst?: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(ExitCode.INTERRUPTED);
    controller.abort();
    onFirst?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
