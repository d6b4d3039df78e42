import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { loadPersistenceConfig, mikroOrmOptions, PlanVersion } from '../../../../libs/persistence/src';
import { PlansService } from './plans.service';

const examples = join(__dirname, '../../../../examples');
const markdown = readFileSync(join(examples, 'merchant-platform.md'), 'utf8');
const yaml = readFileSync(join(examples, 'admin-panel.plan.yaml'), 'utf8');

describe('PlansService', () => {
  let dir: string;
  let orm: MikroORM;
  let plans: PlansService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plans-'));
    const options = mikroOrmOptions(
      loadPersistenceConfig({ DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` }),
    );
    orm = await MikroORM.init(options);
    await orm.getMigrator().up();
    plans = new PlansService(orm.em);
  });

  afterEach(async () => {
    await orm.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const imported = async (doc: Parameters<PlansService['import']>[0]) => {
    const result = await plans.import(doc, 'alice');
    if ('ok' in result) throw new Error(JSON.stringify(result.errors));
    return result;
  };

  test('a Markdown import is version 1 of the plan, with its report', async () => {
    const first = await imported({ markdown, name: 'merchant' });
    expect(first).toMatchObject({ created: true, changes: ['first version'] });
    expect(first.version).toMatchObject({
      id: 'merchant@1',
      name: 'merchant',
      version: 1,
      format: 'markdown',
    });
    expect(first.report?.mapped.length).toBeGreaterThan(10);
  });

  test('a Markdown file with a generic title is named after the file; a given name still wins', () => {
    const check = plans.check({ markdown, fileName: 'merchant-platform.md' });
    expect(check.ok && check.plan.metadata.name).toBe('merchant-platform');
    const named = plans.check({ markdown, fileName: 'merchant-platform.md', name: 'merchant' });
    expect(named.ok && named.plan.metadata.name).toBe('merchant');
    const untold = plans.check({ markdown });
    expect(untold.ok && untold.plan.metadata.name).toBe('production');
    // The report says what each understood line gave.
    expect(check.ok && check.report?.mapped.find((m) => m.line === 1)?.facts).toEqual([
      'name merchant-platform',
    ]);
  });

  test('the same plan again is the same version; a changed one is the next, with what changed', async () => {
    await imported({ markdown, name: 'merchant' });
    const again = await imported({ markdown: `${markdown}\n\n`, name: 'merchant' });
    expect(again).toMatchObject({ created: false, changes: [] });
    expect(again.version.id).toBe('merchant@1');

    const changed = await imported({ markdown: markdown.replace('Kwik', 'Kwik express'), name: 'merchant' });
    expect(changed.created).toBe(true);
    expect(changed.version.id).toBe('merchant@2');
    expect(changed.changes.length).toBeGreaterThan(0);
    expect(changed.changes.join('\n')).toMatch(/Kwik express/);
    // Version 1 is untouched.
    const v1 = await plans.version('merchant@1');
    expect(JSON.stringify(v1?.plan)).not.toMatch(/Kwik express/);
    expect((await plans.versionsOf('merchant')).map((v) => v.version)).toEqual([2, 1]);
  });

  test('plans are listed by name with their versions', async () => {
    await imported({ markdown, name: 'merchant' });
    await imported({ yaml });
    const byName = await plans.byName();
    expect(byName.map((rows) => rows.map((r) => r.id))).toEqual([['admin-panel@1'], ['merchant@1']]);
  });

  test('an invalid document or name is refused with its problems, and nothing is written', async () => {
    const bad = await plans.import({ yaml: 'apiVersion: rollout/v1\nkind: RolloutPlan\n' }, 'alice');
    expect('ok' in bad && bad.errors.length).toBeGreaterThan(0);
    const both = await plans.import({ yaml, markdown }, 'alice');
    expect('ok' in both && both.errors[0].message).toBe('Give exactly one of markdown or yaml');
    const name = await plans.import({ yaml, name: 'Not A Name' }, 'alice');
    expect('ok' in name && name.errors[0].path).toBe('name');
    expect(await orm.em.fork().count(PlanVersion)).toBe(0);
  });
});
