import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import {
  FlagValue,
  loadPersistenceConfig,
  mikroOrmOptions,
  PlanVersion,
  RolloutProjection,
} from '../../../../libs/persistence/src';
import { InputRefused } from '../common/input-refusal';
import { FlagsController } from './flags.controller';
import { FlagsService } from './flags.service';

describe('flags as applications read them', () => {
  let dir: string;
  let orm: MikroORM;
  let service: FlagsService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flags-'));
    const options = mikroOrmOptions(
      loadPersistenceConfig({ DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` }),
    );
    orm = await MikroORM.init(options);
    await orm.getMigrator().up();
    const em = orm.em.fork();
    const row = (key: string, segment: string, value: FlagValue['value']) =>
      em.create(FlagValue, {
        key,
        segment,
        value,
        updatedBy: 'engine',
        updatedAt: new Date(),
        rolloutId: 'r1',
      });
    row('kwik', '*', false);
    row('kwik', 'staging', true);
    row('limit', '*', 25);
    row('theme', 'staging', 'blue');
    // r1 runs plan p@1, which declares kwik's default (false) and limit's (10).
    em.create(PlanVersion, {
      id: 'p@1',
      name: 'p',
      version: 1,
      format: 'yaml',
      source: '',
      plan: {
        flags: [
          { key: 'kwik', default: false },
          { key: 'limit', default: 10 },
        ],
      },
      digest: 'd'.repeat(64),
      report: null,
      changes: [],
      createdBy: 'rita',
      createdAt: new Date(),
    });
    em.create(RolloutProjection, {
      rolloutId: 'r1',
      workflowId: 'rollout-r1',
      plan: 'p',
      status: 'RUNNING',
      startedAt: new Date(),
      updatedAt: new Date(),
      version: 1,
      planVersionId: 'p@1',
    });
    await em.flush();
    service = new FlagsService(orm.em);
  });

  afterAll(async () => {
    await orm.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('everyone sees the * values; an environment sees its own over them, typed', async () => {
    const controller = new FlagsController(service);
    expect(await controller.current({})).toEqual({ environment: '*', flags: { kwik: false, limit: 25 } });
    expect(await controller.current({ environment: 'staging' })).toEqual({
      environment: 'staging',
      flags: { kwik: true, limit: 25, theme: 'blue' },
    });
    // Not sane text, or more than one: refused before the database is asked (InputRefused, a 400).
    for (const environment of ['\u0000', ['a', 'b'], 'x'.repeat(129)])
      await expect(controller.current({ environment })).rejects.toBeInstanceOf(InputRefused);
    const staging = await service.effective('staging');
    expect(staging.map((f) => [f.key, f.segment])).toEqual([
      ['kwik', 'staging'],
      ['limit', '*'],
      ['theme', 'staging'],
    ]);
  });

  test("stored rows carry the default their rollout's plan declares (OFREP tells DEFAULT from a phase value)", async () => {
    const stored = await service.stored('staging');
    const seen = stored.map((f) => [f.key, f.segment, f.value, f.declaredDefault]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['kwik', '*', false, false],
        ['kwik', 'staging', true, false],
        ['limit', '*', 25, 10],
        ['theme', 'staging', 'blue', undefined],
      ]),
    );
    expect(seen).toHaveLength(4);
    // One key: only its rows.
    expect((await service.stored('*', 'limit')).map((f) => [f.key, f.segment])).toEqual([['limit', '*']]);
  });
});
