import { type ChildProcess, execFileSync } from 'node:child_process';
import { childPids } from '../../apps/cli/src/simulate/child-processes';

/** Resolves once the process has exited (at once if it already has). */
export const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** `signal` (SIGTERM unless given), then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(
  child: ChildProcess | undefined,
  { signal = 'SIGTERM', graceMs = 10_000 }: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

// One implementation with the CLI's (which must leave no test server behind): the pids of a process's
// direct children, read with `ps --ppid`.
export { childPids, childProcesses } from '../../apps/cli/src/simulate/child-processes';

/** Every descendant of a process (children, their children …), read now. */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  for (let queue = childPids(pid); queue.length;) {
    const next = queue.shift()!;
    found.push(next);
    queue = [...queue, ...childPids(next)];
  }
  return found;
}

/** Whether a process with this pid still exists (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}
