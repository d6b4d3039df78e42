/**
 * Jest setup file (integration project): points TEST_DATABASE_URL at this worker's own database, so specs that
 * wipe it never race a spec in another worker. See `postgres-global.ts`.
 */
const perWorker = process.env.TEST_DATABASE_WORKER_URL;
if (perWorker && process.env.TEST_DATABASE_URL?.startsWith('postgres')) {
  process.env.TEST_DATABASE_URL = perWorker.replace(
    encodeURIComponent('{worker}'),
    process.env.JEST_WORKER_ID ?? '1',
  );
}
