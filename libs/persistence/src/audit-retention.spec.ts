import { prunablePrefix, type Retention } from './audit-retention';

const DAY = 86_400_000;
const now = new Date(Date.UTC(2026, 11, 1));
const entry = (seq: number, daysOld: number, rolloutId = 'r') => ({
  seq,
  at: new Date(now.getTime() - daysOld * DAY),
  rolloutId,
});
const floor: Retention = { keepMs: 30 * DAY, why: 'younger than P30D' };

describe('prunablePrefix', () => {
  test('takes the oldest entries while each is past the floor, and names the first kept', () => {
    expect(
      prunablePrefix([entry(1, 90), entry(2, 31), entry(3, 29), entry(4, 200)], now, floor, new Map()),
    ).toEqual({
      count: 2,
      stop: { ...entry(3, 29), why: 'younger than P30D' },
    });
  });

  test('a longer retention of the entry’s rollout wins over the floor; a shorter one never undercuts it', () => {
    const retentions = new Map<string, Retention>([
      ['long', { keepMs: 90 * DAY, why: 'plan keeps P90D' }],
      ['short', { keepMs: DAY, why: 'plan keeps P1D' }],
    ]);
    expect(
      prunablePrefix([entry(1, 100, 'long'), entry(2, 60, 'long')], now, floor, retentions),
    ).toMatchObject({
      count: 1,
      stop: { seq: 2, why: 'plan keeps P90D' },
    });
    expect(prunablePrefix([entry(1, 10, 'short')], now, floor, retentions)).toMatchObject({
      count: 0,
      stop: { seq: 1, why: 'younger than P30D' },
    });
  });

  test('a rollout that must keep everything stops pruning however old its entries are', () => {
    const live = new Map<string, Retention>([
      ['live', { keepMs: Infinity, why: 'rollout live has not ended' }],
    ]);
    expect(prunablePrefix([entry(1, 999, 'live'), entry(2, 999)], now, floor, live)).toMatchObject({
      count: 0,
      stop: { seq: 1, why: 'rollout live has not ended' },
    });
  });

  test('every entry past its retention: all of them, nothing kept', () => {
    expect(prunablePrefix([entry(1, 40), entry(2, 35)], now, floor, new Map())).toEqual({ count: 2 });
    expect(prunablePrefix([], now, floor, new Map())).toEqual({ count: 0 });
  });
});
