import { setTimeout as sleep } from 'node:timers/promises';

/** An entry of the log being tailed: its chain position orders it. */
interface Positioned {
  seq: number;
}

export interface TailOptions<T> {
  /** How long to wait before asking again when nothing new was there. */
  pollMs: number;
  /** The entry after which the stream ends (the rollout's final transition). */
  isLast: (entry: T) => boolean;
}

/**
 * Follows a log by position: every entry `fetch` finds after the last one delivered, in order, from the
 * first; then waits `pollMs` and asks again. Ends after the last entry, or at once when the consumer
 * returns (an unsubscribe), even mid-wait, so a closed subscription leaves no poll behind.
 */
export function tail<T extends Positioned>(
  fetch: (afterSeq: number) => Promise<T[]>,
  { pollMs, isLast }: TailOptions<T>,
): AsyncIterableIterator<T> {
  const buffer: T[] = [];
  const stop = new AbortController();
  let after = 0;
  let done = false;
  const finished = (): IteratorResult<T> => ({ value: undefined, done: true });
  return {
    async next(): Promise<IteratorResult<T>> {
      while (!done) {
        const entry = buffer.shift();
        if (entry) {
          if (isLast(entry)) done = true;
          return { value: entry, done: false };
        }
        const found = await fetch(after);
        if (found.length) {
          after = found[found.length - 1].seq;
          buffer.push(...found);
        } else {
          await sleep(pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
        }
      }
      return finished();
    },
    return(): Promise<IteratorResult<T>> {
      done = true;
      stop.abort();
      return Promise.resolve(finished());
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
