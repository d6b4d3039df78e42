import { dueAt, initialSustained, isSatisfied, observe, restarted, type SustainedState } from './sustained';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 22, 0, 0);
const h = (hours: number) => T0 + hours * HOUR;

/** Feeds (hour, healthy) readings in order. */
function run(readings: [number, boolean | null][], sustainMs = DAY, maxGapMs?: number): SustainedState {
  return readings.reduce(
    (state, [hour, healthy]) => observe(state, healthy, h(hour), sustainMs, { maxGapMs }),
    initialSustained(),
  );
}

const hourly = (from: number, to: number, healthy: boolean | null = true): [number, boolean | null][] =>
  Array.from({ length: to - from + 1 }, (_, i) => [from + i, healthy]);

describe('sustained condition', () => {
  test('starts with no clock and no due time', () => {
    expect(initialSustained()).toEqual({ since: null, lastAt: null, satisfiedAt: null });
    expect(dueAt(initialSustained(), DAY)).toBeNull();
  });

  test('the first healthy reading starts the clock and sets the due time', () => {
    const state = run([[2, true]]);
    expect(state).toEqual({ since: h(2), lastAt: h(2), satisfiedAt: null });
    expect(dueAt(state, DAY)).toBe(h(26));
  });

  test('is satisfied by a healthy reading once healthy continuously for the whole duration', () => {
    const almost = run(hourly(0, 23));
    expect(isSatisfied(almost)).toBe(false);
    const done = observe(almost, true, h(24), DAY);
    expect(done).toEqual({ since: h(0), lastAt: h(24), satisfiedAt: h(24) });
    expect(dueAt(done, DAY)).toBe(h(24));
  });

  test('a timer at the due time is enough: two readings a day apart satisfy it', () => {
    const started = run([[0, true]]);
    const due = dueAt(started, DAY) as number;
    expect(observe(started, true, due, DAY).satisfiedAt).toBe(due);
    expect(observe(started, true, due - 1, DAY).satisfiedAt).toBeNull();
  });

  test('one failed reading restarts the clock', () => {
    const before = run(hourly(0, 19));
    const failed = observe(before, false, h(20), DAY);
    expect(failed).toEqual({ since: null, lastAt: h(20), satisfiedAt: null });
    expect(dueAt(failed, DAY)).toBeNull();
    expect(restarted(before, failed)).toBe(true);

    const resumed = observe(failed, true, h(21), DAY);
    expect(dueAt(resumed, DAY)).toBe(h(45));
    expect(isSatisfied(run([...hourly(0, 19), [20, false], ...hourly(21, 44)]))).toBe(false);
    expect(run([...hourly(0, 19), [20, false], ...hourly(21, 45)]).satisfiedAt).toBe(h(45));
  });

  test('a failure observed after the due time, with no healthy reading at it, still restarts', () => {
    const state = run([
      [0, true],
      [30, false],
    ]);
    expect(state.satisfiedAt).toBeNull();
    expect(state.since).toBeNull();
  });

  describe('missing data', () => {
    test('a reading without data proves nothing but breaks nothing within the max gap', () => {
      const state = run([...hourly(0, 10), [11, null], ...hourly(12, 24)], DAY, 2 * HOUR);
      expect(state.satisfiedAt).toBe(h(24));
    });

    test('silence longer than the max gap restarts the clock', () => {
      const state = run(
        [...hourly(0, 10), [11, null], [12, null], [13, null], ...hourly(14, 24)],
        DAY,
        2 * HOUR,
      );
      expect(state.since).toBe(h(14));
      expect(dueAt(state, DAY)).toBe(h(38));
    });

    test('a null reading past the max gap stops the clock at once', () => {
      const state = run(
        [
          [0, true],
          [3, null],
        ],
        DAY,
        2 * HOUR,
      );
      expect(state.since).toBeNull();
      expect(dueAt(state, DAY)).toBeNull();
    });

    test('without a max gap (a source that holds its value), silence never restarts it', () => {
      const state = run([
        [0, true],
        [24, true],
      ]);
      expect(state.satisfiedAt).toBe(h(24));
    });
  });

  test('a reading older than the last one is ignored', () => {
    const state = run(hourly(0, 5));
    expect(observe(state, false, h(3), DAY)).toBe(state);
  });

  test('once satisfied it stays satisfied', () => {
    const done = run(hourly(0, 24));
    expect(observe(done, false, h(25), DAY)).toBe(done);
    expect(restarted(done, observe(done, false, h(25), DAY))).toBe(false);
  });

  test('restarted is false for continuing or first starts', () => {
    const first = run([[0, true]]);
    expect(restarted(initialSustained(), first)).toBe(false);
    expect(restarted(first, observe(first, true, h(1), DAY))).toBe(false);
  });

  test('state is plain data that survives JSON (continue-as-new)', () => {
    const state = run([...hourly(0, 5), [6, false], ...hourly(7, 9)]);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
