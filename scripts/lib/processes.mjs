// Child processes for `npm start`: prefixed output, readiness checks and an orderly stop.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export function startProcess(name, command, args, { env = {}, cwd } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only us, and we stop the children in order.
    detached: true,
  });
  const prefix = `[${name}]`.padEnd(11);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on(
      'line',
      (line) => child.muted || process.stdout.write(`${prefix}${line}\n`),
    );
  }
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.label = name;
  return child;
}

export async function waitFor(check, { what, timeoutMs = 60_000, child } = {}) {
  const deadline = Date.now() + timeoutMs;
  let exited;
  child?.exited.then((e) => (exited = e));
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(`${what}: process exited (code ${exited.code ?? exited.signal}) before it was ready`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not ready after ${timeoutMs / 1000}s`);
}

export const httpOk = (url) => async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;

/** SIGTERM, then SIGKILL after a grace period. */
export async function stopProcess(child, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}
