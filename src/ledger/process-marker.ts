import { readFileSync } from 'node:fs';

/**
 * Who holds a claim: a pid alone is not enough, because pids are reused. On Linux the
 * process start time (field 22 of /proc/<pid>/stat) tells a new process from the dead
 * owner that had the same pid; elsewhere the marker is empty and the pid must do.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly marker: string;
}

export function currentProcess(): ProcessIdentity {
  return identityOf(process.pid);
}

export function identityOf(pid: number): ProcessIdentity {
  return { pid, marker: readStat(pid)?.startTime ?? '' };
}

/** Alive and the same process that wrote the marker: a zombie or a reused pid is not. */
export function isAlive(owner: ProcessIdentity): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readStat(owner.pid);
  if (stat === null) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return owner.marker === '' || owner.marker === stat.startTime;
}

function readStat(pid: number): { state: string; startTime: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return null;
  }
}
