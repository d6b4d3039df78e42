import { execFileSync } from 'node:child_process';

/** A process's direct children (`ps --ppid`) with their command lines; none where `ps` cannot tell. */
export function childProcesses(pid: number): { pid: number; command: string }[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .flatMap((m) => (m ? [{ pid: Number(m[1]), command: m[2] }] : []));
  } catch {
    return []; // ps exits 1 when nothing matches (or there is no ps)
  }
}

/** The pids of a process's direct children. */
export const childPids = (pid: number): number[] => childProcesses(pid).map((c) => c.pid);

/** SIGKILLs each of these processes that is still there (gone already: nothing to do). */
export function killLeftovers(pids: readonly number[]): number[] {
  const killed: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // Already gone.
    }
  }
  return killed;
}
