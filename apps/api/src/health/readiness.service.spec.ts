import type { Client } from '@temporalio/client';
import type { AuditLogService } from '../../../../libs/persistence/src';
import { ReadinessService } from './readiness.service';

// Readiness from its two checks, with fakes for the audit log's write probe and the Temporal client.

function service(
  writable: () => Promise<void>,
  systemInfo: () => Promise<unknown> = () => Promise.resolve({}),
) {
  const audit = { checkWritable: jest.fn(writable) };
  const client = {
    connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
    workflowService: { getSystemInfo: jest.fn(systemInfo) },
  };
  return {
    readiness: new ReadinessService(audit as unknown as AuditLogService, client as unknown as Client),
    audit,
  };
}

test('ready when the database takes a write and Temporal answers', async () => {
  const { readiness } = service(() => Promise.resolve());
  await expect(readiness.readiness()).resolves.toEqual({
    ready: true,
    checks: { database: { ok: true }, temporal: { ok: true } },
  });
});

test('not ready, naming each failing check', async () => {
  const { readiness } = service(
    () =>
      Promise.reject(
        new Error('update "audit_chain_head" - cannot execute UPDATE in a read-only transaction'),
      ),
    () => Promise.reject(new Error('14 UNAVAILABLE: No connection established')),
  );
  await expect(readiness.readiness()).resolves.toEqual({
    ready: false,
    checks: {
      database: { ok: false, error: 'not writable: cannot execute UPDATE in a read-only transaction' },
      temporal: { ok: false, error: 'not reachable: 14 UNAVAILABLE: No connection established' },
    },
  });
});

test('actions share one probe; a success is believed briefly, a failure never', async () => {
  let fail = false;
  const { readiness, audit } = service(() =>
    fail ? Promise.reject(new Error('read-only')) : Promise.resolve(),
  );
  await Promise.all([readiness.database(), readiness.database(), readiness.database()]);
  expect(audit.checkWritable).toHaveBeenCalledTimes(1);
  await readiness.database();
  expect(audit.checkWritable).toHaveBeenCalledTimes(1); // believed
  fail = true;
  await expect(readiness.database(true)).resolves.toEqual({ ok: false, error: 'not writable: read-only' });
  await expect(readiness.database()).resolves.toMatchObject({ ok: false }); // asked again: not cached
  expect(audit.checkWritable).toHaveBeenCalledTimes(3);
});
