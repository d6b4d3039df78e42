import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  /** Everything received so far, in order. */
  received: T[];
  /** Settles when the server completes the stream (or fails it: rejects with the errors). */
  done: Promise<T[]>;
  close(): Promise<void>;
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
  const done = new Promise<T[]>((resolve, reject) => {
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors?.length) reject(new Error(JSON.stringify(value.errors)));
          else if (value.data) received.push(value.data);
        },
        error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
        complete: () => resolve(received),
      },
    );
  });
  return { received, done, close: () => client.dispose() as Promise<void> };
}
