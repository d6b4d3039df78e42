import { tail } from './audit-tail';

type Entry = { seq: number; what: string };

test('delivers every entry in order, across polls, and ends after the last one', async () => {
  const log: Entry[] = [];
  const asked: number[] = [];
  const fetch = (after: number) => {
    asked.push(after);
    return Promise.resolve(log.filter((e) => e.seq > after).slice(0, 2)); // pages of two
  };
  const stream = tail(fetch, { pollMs: 5, isLast: (e) => e.what === 'COMPLETED' });
  log.push({ seq: 1, what: 'RUNNING' }, { seq: 2, what: 'item' }, { seq: 3, what: 'gate' });
  const seen: string[] = [];
  const reading = (async () => {
    for await (const e of stream) seen.push(e.what);
  })();
  await new Promise((r) => setTimeout(r, 30));
  log.push({ seq: 4, what: 'COMPLETED' }, { seq: 5, what: 'after the end' });
  await reading;
  expect(seen).toEqual(['RUNNING', 'item', 'gate', 'COMPLETED']);
  expect(asked.slice(0, 3)).toEqual([0, 2, 3]);
  expect(asked.at(-1)).toBe(3);
});

test('a consumer that stops mid-wait stops the polling at once', async () => {
  let polls = 0;
  const stream = tail<Entry>(
    () => {
      polls++;
      return Promise.resolve([]);
    },
    { pollMs: 10_000, isLast: () => false },
  );
  const pending = stream.next();
  await new Promise((r) => setTimeout(r, 20));
  await stream.return!();
  expect(await pending).toEqual({ value: undefined, done: true });
  expect(polls).toBe(1);
});
