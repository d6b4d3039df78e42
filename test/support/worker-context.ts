import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MikroORM } from '@mikro-orm/core';
import { ActivitiesModule, createActivities, type RolloutActivities } from '../../activities';
import { AuditEntry, PersistenceModule } from '../../libs/persistence/src';

/** Real activities over a real SQLite file in a temp folder, as the worker wires them. */
export async function createActivityContext(): Promise<{
  app: INestApplicationContext;
  activities: RolloutActivities;
  auditRows: (rolloutId: string) => Promise<AuditEntry[]>;
  close: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'rollouts-test-'));
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({ driver: 'sqlite', file: join(dir, 'rollouts.sqlite'), debug: false }),
      ActivitiesModule,
    ],
  }).compile();
  const app = await moduleRef.init();
  const orm = app.get(MikroORM);
  return {
    app,
    activities: createActivities(app),
    auditRows: (rolloutId) => orm.em.fork().find(AuditEntry, { rolloutId }, { orderBy: { id: 'asc' } }),
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
