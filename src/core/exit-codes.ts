import type { ErrorKind } from './errors.js';

/**
 * The documented exit codes, and the one table from error kinds to them: every typed error
 * carries its exit code (core/errors.ts), and the CLI returns them. README and `--help` print
 * the same table (cmdutil/exit-codes.ts).
 */
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
