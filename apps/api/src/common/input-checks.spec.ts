import { z } from 'zod';
import {
  idText,
  safeText,
  saneEpochMillis,
  saneTimestamp,
  saneTimestampText,
  textProblem,
  timestampProblem,
  valueProblems,
  zodProblems,
} from './input-checks';

const YEAR_1 = new Date('0001-01-01T00:00:00Z');
const YEAR_275760 = new Date(8.64e15);

test('text: no NUL, no other control character (tab and line breaks are text), no lone surrogate', () => {
  for (const ok of ['', 'staging', 'line one\nline two\r\n\tindented', 'émoji 🚀', '中文'])
    expect([ok, textProblem(ok)]).toEqual([ok, undefined]);
  for (const bad of ['\u0000', 'a\u0000b', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\ud83d', 'x\udc00'])
    expect([bad, textProblem(bad)]).toEqual([bad, expect.any(String)]);
  expect(safeText.safeParse('a\u0000').success).toBe(false);
  expect(safeText.safeParse('fine').success).toBe(true);
});

test('ids: one pattern', () => {
  expect(idText.safeParse('admin-panel-1').success).toBe(true);
  for (const bad of ['', 'Admin', '-x', 'a'.repeat(64), 'a\u0000', 'a b'])
    expect([bad, idText.safeParse(bad).success]).toEqual([bad, false]);
});

test('timestamps: valid and within ten years of now', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  expect(timestampProblem(new Date(now - 1000), now)).toBeUndefined();
  expect(timestampProblem(new Date(now + 9 * 365 * 86_400_000), now)).toBeUndefined();
  expect(timestampProblem(YEAR_1, now)).toBe('must be within ten years of now');
  expect(timestampProblem(YEAR_275760, now)).toBe('must be within ten years of now');
  expect(timestampProblem(new Date(NaN), now)).toBe('must be a valid timestamp');
  expect(saneTimestamp.safeParse(new Date()).success).toBe(true);
  expect(saneTimestamp.safeParse(YEAR_1).success).toBe(false);
  expect(saneEpochMillis.safeParse(1e308).success).toBe(false);
  expect(saneEpochMillis.safeParse(Date.now()).success).toBe(true);
  expect(saneTimestampText.safeParse(new Date().toISOString()).success).toBe(true);
  expect(saneTimestampText.safeParse('0001-01-01T00:00:00Z').success).toBe(true); // Go's zero: "not set"
  expect(saneTimestampText.safeParse('0001-01-01T00:00:00.000Z').success).toBe(true);
  expect(saneTimestampText.safeParse('0001-01-01T00:00:00.001Z').success).toBe(false);
  expect(saneTimestampText.safeParse('1970-01-01T00:00:00Z').success).toBe(false);
  expect(saneTimestampText.safeParse('soon').success).toBe(false);
});

test('valueProblems walks objects and lists and names the path of each problem', () => {
  expect(
    valueProblems(
      { input: { note: 'ok', tags: ['a', 'b\u0000'], n: Infinity, at: YEAR_1, nested: { deep: '\ud800' } } },
      'args',
    ),
  ).toEqual([
    'args.input.tags[1] must not contain NUL or other control characters',
    'args.input.n must be a finite number',
    'args.input.at must be within ten years of now',
    'args.input.nested.deep must be well-formed Unicode (no lone surrogate)',
  ]);
  expect(valueProblems({ 'k\u0000': 1 }, 'x')).toEqual([
    'x has a key that must not contain NUL or other control characters',
  ]);
  expect(valueProblems({ a: 'fine', b: 3, c: null, d: true, e: new Date() }, 'x')).toEqual([]);
});

test('zodProblems names each issue by its path', () => {
  const schema = z.object({ labels: z.record(z.string(), safeText) });
  const parsed = schema.safeParse({ labels: { rollout: 'a\u0000' } });
  expect(zodProblems(parsed.error!)).toEqual([
    'labels.rollout: must not contain NUL or other control characters',
  ]);
});
