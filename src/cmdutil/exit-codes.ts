// The exit codes live in core/exit-codes.ts (errors carry theirs); here is the help text that prints them.
export { ExitCode, exitCodeForKind, worstExitCode } from '../core/exit-codes.js';

export const EXIT_CODE_HELP = `Exit codes:
  0    all done (every item saved or skipped)
  1    an item failed (invalid input, failed task, API error), or the --report or the
       sheet could not be written after the run (the results are saved)
  2    usage error (unknown command, option or style)
  3    no API key, or the key was refused (401, 403)
  4    network failure, or the outcome of a paid request is unknown
  5    --budget stopped the run: items not started (run the same command to continue)
  124  timed out waiting for a task (the recovery command is printed)
  129  the terminal hung up (SIGHUP: a closed ssh session or tmux pane); the run stopped as
       for Ctrl-C, and running the same command again resumes it
  130  interrupted (Ctrl-C or SIGTERM); run the same command again to resume
With several items, the most serious code wins: 130, 2, 3, 4, 124, 1, 5.`;
