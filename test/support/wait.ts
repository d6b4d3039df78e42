import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** `promise`, or a failure naming `what` once `ms` of real time have passed without an answer. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface UntilOptions {
  /** Real time allowed in all (default 60 s: generous, a busy machine is slow but gets there). */
  timeoutMs?: number;
  /** Pause between checks (default 100 ms). */
  intervalMs?: number;
  /** Appended to the failure: where things stand (a worker's output, a workflow's state …). */
  explain?: () => string | Promise<string>;
}

/**
 * Checks until `check` answers a value (not `undefined`, `null` or `false`), and answers it. A check that
 * throws counts as "not yet" (its last error is reported); a check that hangs counts against the same
 * deadline. Fails naming `what` once the deadline has passed: waits for a condition, never for a guess of
 * how long something takes. A number as `options` is the timeout.
 */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: UntilOptions | number = {},
): Promise<T> {
  const {
    timeoutMs = 60_000,
    intervalMs = 100,
    explain,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await within(Math.max(1, deadline - Date.now()), what, Promise.resolve(check()));
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  const error = last instanceof Error ? ` (last error: ${last.message.split('\n')[0]})` : '';
  const more = explain ? `\n${await Promise.resolve(explain()).catch((e: unknown) => String(e))}` : '';
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${error}${more}`);
}
