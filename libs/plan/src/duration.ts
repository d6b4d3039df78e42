import { Duration } from 'luxon';

/**
 * ISO-8601 durations as plans write them (`PT5M`, `PT24H`, `P2W`, `P3M`).
 *
 * Conversion to milliseconds uses luxon's "casual" matrix: a month is 30 days and a year 365 days. A plan's
 * months are soak and review offsets, not calendar arithmetic, so a fixed length keeps timers deterministic.
 */

/** Weeks may not be mixed with other date parts in strict ISO, but plans do not care: accept any mix. */
const ISO_DURATION = /^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;

/** Longest duration a plan may state; anything longer is a typo, not a rollout. */
export const MAX_DURATION_MS = 10 * 365 * 24 * 3600 * 1000;

export type DurationProblem = 'format' | 'negative' | 'zero' | 'too-long';

/** Why `text` is not a usable plan duration, or undefined when it is one. */
export function durationProblem(text: string): DurationProblem | undefined {
  if (text.startsWith('-')) return 'negative';
  if (!ISO_DURATION.test(text) || text === 'P' || text.endsWith('T')) return 'format';
  const ms = Duration.fromISO(text).toMillis();
  if (!Number.isFinite(ms)) return 'too-long';
  if (ms <= 0) return 'zero';
  if (ms > MAX_DURATION_MS) return 'too-long';
  return undefined;
}

export function isDuration(text: string): boolean {
  return durationProblem(text) === undefined;
}

/** Milliseconds of a valid plan duration; undefined for anything `durationProblem` rejects. */
export function durationToMillis(text: string): number | undefined {
  // Memoised: guardrail windows are parsed on every evaluation (a metric watcher judges thousands a second).
  if (MILLIS.has(text)) return MILLIS.get(text);
  const ms = durationProblem(text) === undefined ? Duration.fromISO(text).toMillis() : undefined;
  if (MILLIS.size < 1_000) MILLIS.set(text, ms);
  return ms;
}
const MILLIS = new Map<string, number | undefined>();

export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';

const DESIGNATORS: Record<DurationUnit, string> = {
  seconds: 'TS',
  minutes: 'TM',
  hours: 'TH',
  days: 'D',
  weeks: 'W',
  months: 'M',
  years: 'Y',
};

/** `(5, 'minutes')` → `PT5M`. Fractions are carried down to a whole smaller unit where one exists. */
export function toIsoDuration(amount: number, unit: DurationUnit): string {
  if (!Number.isInteger(amount)) {
    const down: Partial<Record<DurationUnit, [number, DurationUnit]>> = {
      minutes: [60, 'seconds'],
      hours: [60, 'minutes'],
      days: [24, 'hours'],
      weeks: [7, 'days'],
    };
    const next = down[unit];
    if (next && Number.isInteger(amount * next[0])) return toIsoDuration(amount * next[0], next[1]);
  }
  const designator = DESIGNATORS[unit];
  return designator.startsWith('T') ? `PT${amount}${designator[1]}` : `P${amount}${designator}`;
}

/** Readable form for summaries: `PT24H` → "24 hours", `P2W` → "2 weeks". */
export function describeDuration(text: string): string {
  if (durationProblem(text) === 'format') return text;
  const parts = Duration.fromISO(text).toObject();
  const words = Object.entries(parts)
    .filter(([, value]) => typeof value === 'number' && value !== 0)
    .map(([unit, value]) => `${value} ${value === 1 ? unit.replace(/s$/, '') : unit}`);
  return words.length > 0 ? words.join(' ') : text;
}
