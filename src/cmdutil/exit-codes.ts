import type { ErrorKind } from '../core/errors.js';

/** The documented exit codes. README and `--help` print this same table. */
export const ExitCode = {
  OK: 0,
  ITEM_FAILED: 1,
  USAGE: 2,
  AUTH: 3,
  NETWORK: 4,
  /** --budget held items back; everything else ended well or is counted by a more serious code. */
  BUDGET: 5,
  TIMEOUT: 124,
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP = `Exit codes:
  0    all done (every item saved or skipped)
  1    an item failed (invalid input, failed task, API error)
  2    usage error (unknown command, option or style)
  3    no API key, or the key was refused (401, 403)
  4    network failure, or the outcome of a paid request is unknown
  5    --budget stopped the run: items not started (run the same command to continue)
  124  timed out waiting for a task (the recovery command is printed)
  130  interrupted (Ctrl-C or SIGTERM); run the same command again to resume
With several items, the most serious code wins: 130, 2, 3, 4, 124, 1, 5.`;

const CODE_FOR_KIND: Record<ErrorKind, ExitCodeValue> = {
  usage: ExitCode.USAGE,
  input: ExitCode.ITEM_FAILED,
  auth: ExitCode.AUTH,
  network: ExitCode.NETWORK,
  'outcome-unknown': ExitCode.NETWORK,
  timeout: ExitCode.TIMEOUT,
  interrupted: ExitCode.INTERRUPTED,
  'task-failed': ExitCode.ITEM_FAILED,
  api: ExitCode.ITEM_FAILED,
  protocol: ExitCode.ITEM_FAILED,
};

export function exitCodeForKind(kind: ErrorKind): ExitCodeValue {
  return CODE_FOR_KIND[kind];
}

/** Most serious first; 0 last. */
const SEVERITY: readonly number[] = [130, 2, 3, 4, 124, 1, 5, 0];

export function worstExitCode(codes: Iterable<number>): number {
  let worst = 0;
  for (const code of codes) {
    const rank = SEVERITY.indexOf(code);
    const worstRank = SEVERITY.indexOf(worst);
    if (rank !== -1 && rank < worstRank) worst = code;
  }
  return worst;
}
