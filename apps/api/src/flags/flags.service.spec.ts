import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { FlagValue, loadPersistenceConfig, mikroOrmOptions } from '../../../../libs/persistence/src';
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
});
