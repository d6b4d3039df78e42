import type { Operator } from '../../plan.schema';
import { isoOf, readDurations, unitOf } from './duration.reader';
import { COUNT_WORD_SOURCE, metricName, NUMBER_SOURCE, parseNumber, tidy } from './text';

/** Reads thresholds and windows: "> 5% for 5 min", "over 15 minutes", "below 99.5%", "at or above", "≤5". */

const OPERATOR_WORDS: [string, Operator][] = [
  ['greater than or equal to', '>='],
  ['less than or equal to', '<='],
  ['at or above', '>='],
  ['at or below', '<='],
  ['no more than', '<='],
  ['not more than', '<='],
  ['no less than', '>='],
  ['not less than', '>='],
  ['at least', '>='],
  ['at most', '<='],
  ['up to', '<='],
  ['maximum', '<='],
  ['max', '<='],
  ['more than', '>'],
  ['greater than', '>'],
  ['higher than', '>'],
  ['larger than', '>'],
  ['exceeding', '>'],
  ['exceeds', '>'],
  ['exceed', '>'],
  ['above', '>'],
  ['over', '>'],
  ['less than', '<'],
  ['lower than', '<'],
  ['fewer than', '<'],
  ['smaller than', '<'],
  ['below', '<'],
  ['under', '<'],
];
const OPERATOR_SYMBOLS: [string, Operator][] = [
  ['>=', '>='],
  ['=>', '>='],
  ['≥', '>='],
  ['<=', '<='],
  ['=<', '<='],
  ['≤', '<='],
  ['>', '>'],
  ['<', '<'],
];
const OPERATORS = new Map<string, Operator>([...OPERATOR_WORDS, ...OPERATOR_SYMBOLS]);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const OPERATOR_SOURCE = [
  ...OPERATOR_WORDS.map(([word]) => String.raw`\b${escape(word).replace(/ /g, '\\s+')}\b`),
  ...OPERATOR_SYMBOLS.map(([symbol]) => escape(symbol)),
].join('|');
const VALUE_UNIT_SOURCE = String.raw`%|percent\b|ms\b|milliseconds?\b|seconds?\b|secs?\b|s\b|minutes?\b|mins?\b|m\b|hours?\b|hrs?\b|h\b|days?\b|d\b|rps\b|qps\b|req/s|requests?/s\b|errors?\b`;
const COMPARISON = new RegExp(
  // "above 2%", and spelled out, "above two percent".
  String.raw`(${OPERATOR_SOURCE})\s*(-?\d[\d,]*(?:\.\d+)?|\b(?:one|${COUNT_WORD_SOURCE})\b)\s*(k\b)?\s*(${VALUE_UNIT_SOURCE})?`,
  'i',
);

export interface Comparison {
  operator: Operator;
  value: number;
  /** "%", "ms", "s", "rps"…; time units longer than a second come back as `duration` instead. */
  unit?: string;
  /** The compared value was an amount of time ("> 30 minutes"). */
  duration?: string;
  /** That amount's unit, short: "min", "h", "d" ("> 30 minutes" → 30 min). */
  timeUnit?: string;
  index: number;
  length: number;
}

export function readComparison(text: string): Comparison | undefined {
  const match = COMPARISON.exec(text);
  if (!match) return undefined;
  const operator = OPERATORS.get(match[1].toLowerCase().replace(/\s+/g, ' '));
  if (!operator) return undefined;
  const value = parseNumber(match[2]) * (match[3] ? 1000 : 1);
  if (!Number.isFinite(value)) return undefined;
  const base = { operator, value, index: match.index, length: match[0].length };
  const rawUnit = match[4]?.toLowerCase();
  if (rawUnit === undefined) return base;
  const timeUnit = unitOf(rawUnit);
  if (timeUnit && timeUnit !== 'seconds') {
    const duration = isoOf(match[2], rawUnit);
    return duration ? { ...base, duration, timeUnit: SHORT_TIME_UNIT[timeUnit] } : base;
  }
  return { ...base, unit: normaliseUnit(rawUnit) };
}

const SHORT_TIME_UNIT: Record<string, string> = {
  minutes: 'min',
  hours: 'h',
  days: 'd',
  weeks: 'w',
  months: 'mo',
  years: 'y',
};

/** Metrics that are themselves amounts of time: "indexing lag above 5 minutes" compares the lag, it is no 0/1 signal. */
const TIME_METRIC =
  /\b(?:lag|age|runtime|run\s*time|duration|latency|delay|wait(?:ing)?\s+time|time\s+to\s+\w+|staleness)\b/i;

function normaliseUnit(unit: string): string {
  if (unit === '%' || unit === 'percent') return '%';
  if (unit.startsWith('milli') || unit === 'ms') return 'ms';
  if (unitOf(unit) === 'seconds') return 's';
  if (unit.startsWith('error')) return 'count';
  if (unit.startsWith('req')) return 'rps';
  return unit;
}

export interface Window {
  iso: string;
  mode: 'sustained' | 'aggregate';
  index: number;
  length: number;
}

/** What stands before an amount of time that makes it a window: "for at least", "over the last", "in any". */
const SUSTAINED_BEFORE =
  /\b(?:sustained\s+for|sustained|lasting|persisting\s+for|persists\s+for|held\s+for|for)\s+(?:(?:at\s+least|more\s+than|longer\s+than|over|>=?|≥)\s*)?(?:the\s+(?:last|next)\s+)?$/i;
const AGGREGATE_BEFORE =
  /\b(?:averaged\s+over|over|during|within|in|across)\s+(?:(?:any|each|every|the|the\s+last|a\s+rolling|one)\s+)?$/i;
const WINDOW_AFTER = /^\s+(?:window|period|interval)\b/i;
/** A window with no number: "in any hour", "within a single day". */
const ONE_UNIT =
  /\b(?:in|within|during|over|across)\s+(?:any|each|every|a\s+single|any\s+single|any\s+one|a\s+given|any\s+given)\s+(second|minute|hour|day|week)\b(?:\s+(?:window|period|interval)\b)?/i;

const PER_UNIT = /\/\s*(\d+)\s*(s|m|h|mins?|minutes?|hrs?|hours?)\b|\bper\s+(minute|hour|day|week)\b/i;

/** "for 5 min" (every sample breaches for that long) or "over 15 minutes" (measured across the window). */
export function readWindow(text: string): Window | undefined {
  for (const amount of readDurations(text)) {
    const before = text.slice(0, amount.index);
    const end = amount.index + amount.length;
    const trailing = WINDOW_AFTER.exec(text.slice(end))?.[0].length ?? 0;
    for (const [pattern, mode] of [
      [SUSTAINED_BEFORE, 'sustained'],
      [AGGREGATE_BEFORE, 'aggregate'],
    ] as const) {
      const lead = pattern.exec(before);
      if (lead) return { iso: amount.iso, mode, index: lead.index, length: end + trailing - lead.index };
    }
  }
  // A rate over a window: "above 50 per hour", "> 2% / 5m".
  const rate = PER_UNIT.exec(text);
  const rateIso = rate ? (rate[1] ? isoOf(rate[1], rate[2]) : isoOf('1', rate[3])) : undefined;
  if (rate && rateIso) return { iso: rateIso, mode: 'aggregate', index: rate.index, length: rate[0].length };
  const one = ONE_UNIT.exec(text);
  const iso = one ? isoOf('1', one[1]) : undefined;
  return one && iso ? { iso, mode: 'aggregate', index: one.index, length: one[0].length } : undefined;
}

export interface Condition {
  metric: string;
  title: string;
  operator: Operator;
  threshold: number;
  unit?: string;
  window?: string;
  mode?: 'sustained' | 'aggregate';
}

/**
 * A measurable condition: "Error rate > 5% for 5 min", "Redemption failure rate >5% over 15 minutes". A
 * condition that only has a duration ("outages >30 minutes", "unable to log in for >10 minutes") is read
 * as a 0/1 signal that must stay raised for that long.
 */
export function readCondition(text: string): Condition | undefined {
  const window = readWindow(text);
  const rest = window ? cut(text, window.index, window.length) : text;
  const comparison = readComparison(rest);
  const title = tidy(text);
  const subjectOf = (end: number) => cleanSubject(rest.slice(0, end)) || cleanSubject(rest.slice(end));

  if (comparison && comparison.duration === undefined) {
    const subject = subjectOf(comparison.index);
    if (subject === '') return undefined;
    return {
      metric: metricName(subject),
      title,
      operator: comparison.operator,
      threshold: comparison.value,
      ...(comparison.unit ? { unit: comparison.unit } : {}),
      ...(window ? { window: window.iso, mode: window.mode } : {}),
    };
  }
  // A time metric compared with a time: "Indexing lag above 5 minutes for 15 minutes".
  if (comparison?.duration && comparison.timeUnit) {
    const subject = subjectOf(comparison.index);
    if (TIME_METRIC.test(subject.replace(/_/g, ' ')))
      return {
        metric: metricName(subject),
        title,
        operator: comparison.operator,
        threshold: comparison.value,
        unit: comparison.timeUnit,
        ...(window ? { window: window.iso, mode: window.mode } : {}),
      };
  }
  // A condition that is only a duration ("outages >30 minutes"): a 0/1 signal that must stay off.
  const whileOn = (index: number, iso: string, mode: 'sustained' | 'aggregate') => {
    const subject = subjectOf(index);
    if (subject === '') return undefined;
    return { metric: metricName(subject), title, operator: '>' as const, threshold: 0, window: iso, mode };
  };
  const lasting = comparison?.duration && comparison.operator.startsWith('>') ? comparison : undefined;
  if (lasting?.duration && !window) return whileOn(lasting.index, lasting.duration, 'sustained');
  if (window && !comparison) return whileOn(window.index, window.iso, window.mode);
  return undefined;
}

function cut(text: string, index: number, length: number): string {
  return `${text.slice(0, index)} ${text.slice(index + length)}`;
}

/** Drops the words around a metric's name: "If the error rate is" → "error rate". */
function cleanSubject(text: string): string {
  return tidy(
    text
      .replace(/[`*]/g, '')
      // Emphasis underscores go; those inside a name ("export_mismatch_count") stay.
      .replace(/(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])/g, '')
      // "we will stop and roll back if the upload error rate": the subject follows the last "if".
      .replace(/^.*\b(?:if|when|whenever)\s+/i, '')
      .replace(/^\s*(?:if|when|whenever|once|any|the)\s+/i, '')
      .replace(
        /\s+(?:is|are|goes?|stays?|remains?|rises?|drops|falls|climbs?|grows?|creeps?|reach(?:es)?|hits|of)\s*$/i,
        '',
      )
      .replace(/[.;:!]+\s*$/, ''),
  );
}

export interface Bound {
  max: number;
  unit?: string;
  index: number;
  length: number;
}

const LEADING_COUNT = new RegExp(
  String.raw`^\s*(?:(?:the|about|around|roughly|approximately|some|only|all)\s+)?(?:(?:up\s+to|max(?:imum)?|at\s+most|≤|<=)\s*)?(?:(\d+)\s*(?:-|–|to)\s*)?(${NUMBER_SOURCE})\s*(%|percent)?\s+(?:of\s+)?(?=[A-Za-z])`,
  'i',
);

/** An upper bound for an audience: "(≤5)", "up to 50", "3-5 internal …", "10% of traffic". */
export function readBound(text: string): Bound | undefined {
  const leading = LEADING_COUNT.exec(text);
  if (leading && !/^(an?)$/i.test(leading[2])) {
    const max = parseNumber(leading[2]);
    if (Number.isFinite(max))
      return { max, ...(leading[3] ? { unit: '%' } : {}), index: leading.index, length: leading[0].length };
  }
  const comparison = readComparison(text);
  if (comparison && comparison.operator.startsWith('<') && comparison.duration === undefined)
    return {
      max: comparison.value,
      ...(comparison.unit === '%' ? { unit: '%' } : {}),
      index: comparison.index,
      length: comparison.length,
    };
  return undefined;
}
