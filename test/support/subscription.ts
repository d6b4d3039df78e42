import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  /** Everything received so far, in order. */
  received: T[];
  /** Settles when the server completes the stream (or fails it: rejects with the errors). */
  done: Promise<T[]>;
  /**
   * The first event, already received or still to come, for which `match` holds: resolved the moment the
   * server delivers it (no polling). Rejects naming `what` when the stream ends (or fails) without one, or
   * after `ms` of real time (a generous bound: the event is expected, the deadline only ends a hung test).
   */
  when(match: (event: T) => boolean, what: string, ms?: number): Promise<T>;
  close(): Promise<void>;
}

interface Waiter<T> {
  match: (event: T) => boolean;
  resolve: (event: T) => void;
  reject: (err: Error) => void;
}

/**
 * A graphql-ws client subscribed to one operation, as an admin UI would be: the token in connectionParams
 * (`null`: none). Collects the data of each event.
 */
export function subscribe<T>(
  apiUrl: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
): Subscription<T> {
  const client: Client = createClient({
    url: `${apiUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  const received: T[] = [];
  let waiters: Waiter<T>[] = [];
  let ended: Error | undefined;
  const end = (why: Error) => {
    ended = why;
    for (const w of waiters.splice(0)) w.reject(why);
  };
  const done = new Promise<T[]>((resolve, reject) => {
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors?.length) {
            const err = new Error(JSON.stringify(value.errors));
            end(err);
            reject(err);
          } else if (value.data) {
            const event = value.data;
            received.push(event);
            waiters = waiters.filter((w) => (w.match(event) ? (w.resolve(event), false) : true));
          }
        },
        error: (err) => {
          const error = err instanceof Error ? err : new Error(JSON.stringify(err));
          end(error);
          reject(error);
        },
        complete: () => {
          end(new Error('the stream completed'));
          resolve(received);
        },
      },
    );
  });
  // `done` is also read by whoever awaits it; a failure seen only through `when` must not go unhandled.
  done.catch(() => undefined);
  const when = (match: (event: T) => boolean, what: string, ms = 120_000): Promise<T> => {
    const seen = received.find(match);
    if (seen) return Promise.resolve(seen);
    if (ended) return Promise.reject(new Error(`${what}: not received (${ended.message})`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        reject(new Error(`${what}: not received within ${ms / 1000} s`));
      }, ms);
      const waiter: Waiter<T> = {
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(new Error(`${what}: not received (${err.message})`));
        },
      };
      waiters.push(waiter);
    });
  };
  return { received, done, when, close: () => client.dispose() as Promise<void> };
}
