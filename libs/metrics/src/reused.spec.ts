import { reusedFor } from './reused';

test('calls within the window share one read; the next read comes after it', async () => {
  let clock = 0;
  let reads = 0;
  const read = reusedFor(
    5_000,
    () => Promise.resolve(++reads),
    () => clock,
  );
  expect(await Promise.all([read(), read()])).toEqual([1, 1]);
  clock = 4_999;
  expect(await read()).toBe(1);
  clock = 5_000;
  expect(await read()).toBe(2);
  expect(reads).toBe(2);
});

test('a failed read is not kept: the next call reads again', async () => {
  let reads = 0;
  const read = reusedFor(
    5_000,
    () => (++reads === 1 ? Promise.reject(new Error('db down')) : Promise.resolve(reads)),
    () => 0,
  );
  await expect(read()).rejects.toThrow('db down');
  expect(await read()).toBe(2);
});
