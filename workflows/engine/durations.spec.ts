import { compactDuration, humanDuration, whenFrom } from './durations';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('humanDuration', () => {
  it('reads in its largest whole unit', () => {
    expect(humanDuration(14 * D)).toBe('14 days');
    expect(humanDuration(H)).toBe('1 hour');
    expect(humanDuration(250)).toBe('250 ms');
  });
});

describe('compactDuration', () => {
  it('shows the two largest units, cut down rather than rounded up', () => {
    expect(compactDuration(7 * D - 1)).toBe('6 d 23 h');
    expect(compactDuration(6 * D + 23 * H + 59 * MIN)).toBe('6 d 23 h');
    expect(compactDuration(3 * MIN + 20 * S + 999)).toBe('3 min 20 s');
    expect(compactDuration(45 * S)).toBe('45 s');
  });

  it('leaves out a second unit that is zero, and never goes below "0 s"', () => {
    expect(compactDuration(5 * H)).toBe('5 h');
    expect(compactDuration(2 * D + 30 * MIN)).toBe('2 d');
    expect(compactDuration(999)).toBe('0 s');
    expect(compactDuration(-5 * S)).toBe('0 s');
  });
});

describe('whenFrom', () => {
  const now = Date.UTC(2026, 10, 22, 13, 7, 20);
  it('names the moment absolutely, then relative to now', () => {
    expect(whenFrom(now + 7 * D - MIN, now)).toBe('2026-11-29T13:06:20Z (in 6 d 23 h)');
    expect(whenFrom(now - 90 * S, now)).toBe('2026-11-22T13:05:50Z (1 min 30 s ago)');
  });
});
