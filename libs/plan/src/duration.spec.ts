import { describeDuration, durationProblem, durationToMillis, toIsoDuration } from './duration';

describe('ISO-8601 durations', () => {
  it.each(['PT5M', 'PT24H', 'P2W', 'P3M', 'P90D', 'P1DT12H', 'PT0.5S'])('accepts %s', (text) =>
    expect(durationProblem(text)).toBeUndefined(),
  );
  it.each([
    ['5 minutes', 'format'],
    ['P', 'format'],
    ['PT', 'format'],
    ['P1H', 'format'],
    ['-PT5M', 'negative'],
    ['PT0S', 'zero'],
    ['P0D', 'zero'],
    ['P11Y', 'too-long'],
    ['P99999999999999999999Y', 'too-long'],
  ])('rejects %s (%s)', (text, problem) => expect(durationProblem(text)).toBe(problem));

  it('converts to milliseconds, months as 30 days', () => {
    expect(durationToMillis('PT5M')).toBe(300_000);
    expect(durationToMillis('P2W')).toBe(14 * 86_400_000);
    expect(durationToMillis('P3M')).toBe(90 * 86_400_000);
    expect(durationToMillis('nonsense')).toBeUndefined();
  });

  it('builds and describes durations', () => {
    expect([
      toIsoDuration(5, 'minutes'),
      toIsoDuration(2, 'weeks'),
      toIsoDuration(1.5, 'hours'),
      toIsoDuration(3, 'months'),
    ]).toEqual(['PT5M', 'P2W', 'PT90M', 'P3M']);
    expect(describeDuration('PT24H')).toBe('24 hours');
    expect(describeDuration('P1W')).toBe('1 week');
  });
});
