import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MikroORM } from '@mikro-orm/core';
import {
  ActivitiesModule,
  ADAPTERS_CONFIG,
  createActivities,
  loadAdaptersConfig,
  type AdaptersConfig,
  type RolloutActivities,
} from '../../activities';
import { AuditEntry, PersistenceModule } from '../../libs/persistence/src';

/**
 * Real activities over a real SQLite file in a temp folder, as the worker wires them. Adapters are
 * configured by `adapters` alone (no URL unless given), never by the environment the tests run in.
 */
export async function createActivityContext(options: { adapters?: Partial<AdaptersConfig> } = {}): Promise<{
  app: INestApplicationContext;
  orm: MikroORM;
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
  })
    .overrideProvider(ADAPTERS_CONFIG)
    .useValue({ ...loadAdaptersConfig({}), ...options.adapters })
    .compile();
  const app = await moduleRef.init();
  const orm = app.get(MikroORM);
  return {
    app,
    orm,
    activities: createActivities(app),
    auditRows: (rolloutId) => orm.em.fork().find(AuditEntry, { rolloutId }, { orderBy: { id: 'asc' } }),
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
