import { addSample, DEFAULT_MAX_SAMPLES, emptyWindow, type Sample, type SampleWindow } from './samples';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0);
const at = (minutes: number) => T0 + minutes * MIN;
const s = (minutes: number, value: number | null = 1): Sample => ({
  metric: 'error_rate',
  value,
  at: at(minutes),
});

function fill(samples: Sample[], keepMs = 60 * MIN): SampleWindow {
  return samples.reduce((w, sample) => addSample(w, sample, keepMs), emptyWindow('error_rate'));
}
const times = (w: SampleWindow) => w.samples.map((x) => (x.at - T0) / MIN);

describe('sample window', () => {
  test('keeps readings in time order even when they arrive out of order', () => {
    const w = fill([s(3), s(1), s(4), s(0), s(2)]);
    expect(times(w)).toEqual([0, 1, 2, 3, 4]);
  });

  test('a second reading at the same instant replaces the first', () => {
    const w = fill([s(0, 1), s(1, 2), s(0, 3)]);
    expect(w.samples).toEqual([s(0, 3), s(1, 2)]);
  });

  test('returns a new window and leaves the given one untouched', () => {
    const before = fill([s(0), s(1)]);
    const copy = JSON.parse(JSON.stringify(before)) as SampleWindow;
    const after = addSample(before, s(2), 60 * MIN);
    expect(before).toEqual(copy);
    expect(after).not.toBe(before);
    expect(times(after)).toEqual([0, 1, 2]);
  });

  test('NaN and infinite values become null ("no data"), so the window survives JSON', () => {
    const w = fill([s(0, Number.NaN), s(1, Number.POSITIVE_INFINITY), s(2, null)]);
    expect(w.samples.map((x) => x.value)).toEqual([null, null, null]);
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
  });

  test('refuses a reading of another metric and a time that is not finite', () => {
    const w = emptyWindow('error_rate');
    expect(() => addSample(w, { metric: 'latency', value: 1, at: T0 }, MIN)).toThrow(
      'a sample of "latency" cannot be added to the window of "error_rate"',
    );
    expect(() => addSample(w, { metric: 'error_rate', value: 1, at: Number.NaN }, MIN)).toThrow(RangeError);
  });

  describe('pruning', () => {
    test('keeps what lies within keepMs of the latest reading, plus the reading in force at its start', () => {
      const w = fill([s(0), s(1), s(2), s(3), s(4), s(5), s(6), s(7)], 5 * MIN);
      // cutoff = 7 - 5 = 2: the reading at 2 is the anchor proving coverage from the start of the window
      expect(times(w)).toEqual([2, 3, 4, 5, 6, 7]);
    });

    test('the anchor is the last reading with data: a null at the cutoff does not push it out', () => {
      const w = fill([s(0), s(1), s(2, null), s(3), s(4), s(5), s(6), s(7)], 5 * MIN);
      expect(times(w)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    test('with nothing before the cutoff but nulls, those nulls go', () => {
      const w = fill([s(0, null), s(1, null), s(3), s(4)], 2 * MIN);
      expect(times(w)).toEqual([3, 4]);
    });

    test('keepMs 0 keeps only the latest reading (and the last value before a trailing null)', () => {
      expect(times(fill([s(0), s(1), s(2)], 0))).toEqual([2]);
      expect(times(fill([s(0), s(1), s(2, null)], 0))).toEqual([1, 2]);
    });

    test('a late reading older than the window is dropped, unless it becomes the reading in force', () => {
      const base = fill([s(0), s(10), s(11), s(12)], 5 * MIN); // cutoff 7: anchor is 0
      expect(times(base)).toEqual([0, 10, 11, 12]);
      expect(times(addSample(base, s(-5), 5 * MIN))).toEqual([0, 10, 11, 12]);
      expect(times(addSample(base, s(6), 5 * MIN))).toEqual([6, 10, 11, 12]);
    });
  });

  describe('bounded size', () => {
    test('100k readings at a 1-minute cadence keep only the window and its anchor', () => {
      let w = emptyWindow('error_rate');
      let largest = 0;
      for (let i = 0; i < 100_000; i++) {
        w = addSample(w, s(i, i % 7), 5 * MIN);
        largest = Math.max(largest, w.samples.length);
      }
      expect(largest).toBe(6);
      expect(times(w)).toEqual([99_994, 99_995, 99_996, 99_997, 99_998, 99_999]);
    });

    test('100k readings a millisecond apart are capped, oldest dropped first', () => {
      let w = emptyWindow('error_rate');
      for (let i = 0; i < 100_000; i++)
        w = addSample(w, { metric: 'error_rate', value: 1, at: T0 + i }, 60 * MIN);
      expect(w.samples).toHaveLength(DEFAULT_MAX_SAMPLES);
      expect(w.samples[w.samples.length - 1].at).toBe(T0 + 99_999);
      expect(w.samples[0].at).toBe(T0 + 100_000 - DEFAULT_MAX_SAMPLES);
    });

    test('the cap is configurable', () => {
      let w = emptyWindow('error_rate');
      for (let i = 0; i < 50; i++) w = addSample(w, s(i), 60 * MIN, { maxSamples: 10 });
      expect(times(w)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
    });
  });
});
