import { canonicalUnit, conversionFactor, convert, reconcilable, unitProblem } from './units';

describe('units', () => {
  test('a ratio of 0.09 is 9 percent; 5 percent is a ratio of 0.05', () => {
    expect(convert(0.09, 'ratio', '%')).toBe(9);
    expect(convert(5, 'percent', 'ratio')).toBe(0.05);
  });

  test('binary fractions do not decide a comparison: 0.07 ratio is exactly 7 %', () => {
    expect(0.07 * 100).not.toBe(7); // the trap
    expect(convert(0.07, 'ratio', '%')).toBe(7);
    expect(convert(0.29, 'ratio', 'percent')).toBe(29);
  });

  test.each([
    [1.5, 's', 'ms', 1500],
    [250, 'ms', 's', 0.25],
    [2, 'min', 's', 120],
    [1, 'h', 'min', 60],
    [120, 'rpm', 'rps', 2],
    [1, 'GiB', 'MiB', 1024],
    [3, 'permille', 'percent', 0.3],
  ])('%d %s is %d %s', (value, from, to, expected) => {
    expect(convert(value, from, to)).toBe(expected);
  });

  test('aliases and case are one unit', () => {
    expect(canonicalUnit('%')).toBe('percent');
    expect(canonicalUnit('Milliseconds')).toBe('ms');
    expect(canonicalUnit(' seconds ')).toBe('s');
    expect(canonicalUnit('widgets')).toBe('widgets');
    expect(conversionFactor('PCT', '%')).toBe(1);
  });

  test('different dimensions cannot be reconciled, and say so naming both', () => {
    expect(convert(0.09, 'ratio', 'ms')).toBeUndefined();
    expect(reconcilable('count', 'percent')).toBe(false);
    expect(unitProblem('s', '%')).toBe(
      'the metric\'s unit "s" cannot be compared with the guardrail\'s unit "%"',
    );
  });

  test('unknown units reconcile only with themselves', () => {
    expect(convert(3, 'widgets', 'widgets')).toBe(3);
    expect(convert(3, 'Widgets', 'widgets')).toBe(3);
    expect(convert(3, 'widgets', 'gadgets')).toBeUndefined();
    expect(convert(3, 'widgets', 'count')).toBeUndefined();
  });

  test('an absent unit on either side is a plain number: no conversion, no conflict', () => {
    expect(convert(0.09, undefined, '%')).toBe(0.09);
    expect(convert(0.09, 'ratio', undefined)).toBe(0.09);
    expect(unitProblem(undefined, 'ms')).toBeUndefined();
  });
});
