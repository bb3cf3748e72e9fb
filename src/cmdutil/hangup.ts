import { isatty } from 'node:tty';

/**
 * A closed terminal (a tmux pane, an ssh session gone) sends SIGHUP. The run stops gracefully
 * and prints its summary as for Ctrl-C; but when Node then exits it restores the settings of
 * every stdio terminal it started on (ResetStdio), that terminal is gone, and Node 20 aborts
 * with an assertion ("Assertion failed ... ResetStdio"). So when the terminal really went away
 * (a stdio descriptor that was a terminal no longer is one), the process leaves the way a
 * hung-up process does: killed by SIGHUP itself, once everything else has run ('exit'), which
 * skips that restore. A SIGHUP from `kill` with the terminal still there exits as before (130).
 */
let startedOnTerminal: number[] | null = null;
let armed = false;

/** Which stdio descriptors are terminals, noted while they still are (when a command starts listening for signals). */
export function noteTerminals(): void {
  startedOnTerminal ??= [0, 1, 2].filter((fd) => isatty(fd));
}

export function leaveByHangupAtExit(): void {
  if (armed) return;
  armed = true;
  process.once('exit', () => {
    if (!(startedOnTerminal ?? []).some((fd) => !isatty(fd))) return;
    process.removeAllListeners('SIGHUP');
    process.kill(process.pid, 'SIGHUP');
  });
}
