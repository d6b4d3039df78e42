import { FlagChange, FlagValue } from '../libs/persistence/src';
import { inActivity } from '../test/support/activity-env';
import { createActivityContext } from '../test/support/worker-context';
import { FlagsActivities } from './flags.activities';

let ctx: Awaited<ReturnType<typeof createActivityContext>>;
let flags: FlagsActivities;

beforeAll(async () => {
  ctx = await createActivityContext();
  flags = ctx.app.get(FlagsActivities);
});
afterAll(() => ctx.close());

const rows = (segment = '*') => ctx.orm.em.fork().find(FlagValue, { segment }, { orderBy: { key: 'asc' } });

describe('flag store', () => {
  test('registerFlags adds missing flags with their defaults and never overwrites a value', async () => {
    const { registerFlags, setFlags } = ctx.activities;
    await inActivity('1')(registerFlags, {
      actor: 'rollout-engine',
      flags: [
        { key: 'reg.enabled', default: false },
        { key: 'reg.percent', default: 5 },
        { key: 'reg.mode', default: '10' },
      ],
    });
    await inActivity('2')(setFlags, { rolloutId: 'r-reg', flags: { 'reg.enabled': true }, actor: 'alice' });
    await inActivity('3')(registerFlags, {
      actor: 'rollout-engine',
      flags: [
        { key: 'reg.enabled', default: false },
        { key: 'reg.new', default: 'off' },
      ],
    });

    const stored = (await rows()).filter((r) => r.key.startsWith('reg.'));
    expect(stored.map((r) => [r.key, r.value, r.updatedBy])).toEqual([
      ['reg.enabled', true, 'alice'],
      ['reg.mode', '10', 'rollout-engine'], // a string that looks like a number stays a string
      ['reg.new', 'off', 'rollout-engine'],
      ['reg.percent', 5, 'rollout-engine'],
    ]);
  });

  test('setFlags returns what it replaced; restoreFlags puts exactly that back', async () => {
    const { registerFlags, setFlags, restoreFlags } = ctx.activities;
    await inActivity('10')(registerFlags, { actor: 'plan', flags: [{ key: 'co.checkout', default: false }] });
    const before = await flags.currentFlags();

    const { previous } = await inActivity('11')(setFlags, {
      rolloutId: 'r-co',
      actor: 'alice',
      flags: { 'co.checkout': true, 'co.limit': 25 },
    });
    expect(previous).toEqual({ 'co.checkout': false, 'co.limit': null });
    const set = (await rows()).filter((r) => r.key.startsWith('co.'));
    expect(set.map((r) => [r.key, r.value, r.updatedBy, r.rolloutId])).toEqual([
      ['co.checkout', true, 'alice', 'r-co'],
      ['co.limit', 25, 'alice', 'r-co'],
    ]);

    await inActivity('12')(restoreFlags, { rolloutId: 'r-co', actor: 'rollback', previous });
    expect(await flags.currentFlags()).toEqual(before);
    expect((await rows()).filter((r) => r.key === 'co.limit')).toEqual([]); // null deleted the row
  });

  test('a retried setFlags returns the first attempt’s previous values, not the values it wrote', async () => {
    const { setFlags } = ctx.activities;
    const attempt = inActivity('20', 'rollout-retry');
    const input = { rolloutId: 'r-retry', actor: 'alice', flags: { 'retry.flag': 'on' } };

    const first = await attempt(setFlags, input);
    const retried = await attempt(setFlags, input);
    expect(first).toEqual({ previous: { 'retry.flag': null } });
    expect(retried).toEqual(first);
    expect(await ctx.orm.em.fork().count(FlagChange, { rolloutId: 'r-retry' })).toBe(1);

    // Another activity (a later phase) does see the value written by the first.
    const later = await inActivity('21', 'rollout-retry')(setFlags, {
      ...input,
      flags: { 'retry.flag': 'off' },
    });
    expect(later).toEqual({ previous: { 'retry.flag': 'on' } });
  });

  test('a segment overrides `*` key by key, and its compensation removes the override', async () => {
    const { setFlags, restoreFlags } = ctx.activities;
    await inActivity('30')(setFlags, { rolloutId: 'r-seg', actor: 'a', flags: { 'seg.a': 1, 'seg.b': 2 } });
    const { previous } = await inActivity('31')(setFlags, {
      rolloutId: 'r-seg',
      actor: 'a',
      segment: 'beta',
      flags: { 'seg.a': 100 },
    });
    expect(previous).toEqual({ 'seg.a': null });
    expect(await flags.currentFlags('beta')).toMatchObject({ 'seg.a': 100, 'seg.b': 2 });
    expect(await flags.currentFlags()).toMatchObject({ 'seg.a': 1, 'seg.b': 2 });

    await inActivity('32')(restoreFlags, { rolloutId: 'r-seg', actor: 'a', segment: 'beta', previous });
    expect(await rows('beta')).toEqual([]);
    expect(await flags.currentFlags('beta')).toMatchObject({ 'seg.a': 1, 'seg.b': 2 });
  });
});
