/**
 * A closed terminal (a tmux pane, an ssh session gone) sends SIGHUP. The run stops gracefully
 * and prints its summary as for Ctrl-C; but when Node then exits it restores the terminal's
 * settings (ResetStdio), the terminal is gone, and Node 20 aborts with an assertion
 * ("Assertion failed ... ResetStdio"). After a hangup the process therefore leaves the way a
 * hung-up process does: killed by SIGHUP itself, once everything else has run ('exit'),
 * which skips that restore. Whoever waits for it sees "terminated by SIGHUP", which is true.
 */
let armed = false;

export function leaveByHangupAtExit(): void {
  if (armed) return;
  armed = true;
  process.once('exit', () => {
    process.removeAllListeners('SIGHUP');
    process.kill(process.pid, 'SIGHUP');
  });
}
