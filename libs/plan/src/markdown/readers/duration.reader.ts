import { toIsoDuration, type DurationUnit } from '../../duration';
import { NUMBER_SOURCE, parseNumber } from './text';

/** Reads amounts of time ("48 hours", "for 24h", "(< 5 min)", "2-3 weeks") and calendar labels ("Week 2-3"). */

const UNIT_SOURCE = String.raw`seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?|s|m|h|d|w|y`;

/** Number (or range) + unit; exported so window and comparison readers share it. */
export const AMOUNT_SOURCE = String.raw`(${NUMBER_SOURCE})(?:\s*(?:-|–|—|to)\s*(\d+(?:\.\d+)?))?\s*-?\s*(${UNIT_SOURCE})(?![A-Za-z0-9])`;

const AMOUNT = new RegExp(String.raw`(?<![\w.])${AMOUNT_SOURCE}`, 'i');

export function unitOf(text: string): DurationUnit | undefined {
  const unit = text.toLowerCase();
  if (/^(s|secs?|seconds?)$/.test(unit)) return 'seconds';
  if (/^(m|mins?|minutes?)$/.test(unit)) return 'minutes';
  if (/^(h|hrs?|hours?)$/.test(unit)) return 'hours';
  if (/^(d|days?)$/.test(unit)) return 'days';
  if (/^(w|wks?|weeks?)$/.test(unit)) return 'weeks';
  if (/^(mos?|months?)$/.test(unit)) return 'months';
  if (/^(y|yrs?|years?)$/.test(unit)) return 'years';
  return undefined;
}

export interface DurationMatch {
  iso: string;
  /** Upper end of a range such as "2-3 weeks". */
  maxIso?: string;
  index: number;
  length: number;
}

/** The first amount of time in `text`: "48 hours" → PT48H, "2-3 weeks" → P2W..P3W, "(≥90 days)" → P90D. */
export function readDuration(text: string): DurationMatch | undefined {
  const match = AMOUNT.exec(text);
  if (!match) return undefined;
  const iso = isoOf(match[1], match[3]);
  if (!iso) return undefined;
  const maxIso = match[2] === undefined ? undefined : isoOf(match[2], match[3]);
  return { iso, ...(maxIso ? { maxIso } : {}), index: match.index, length: match[0].length };
}

export function isoOf(amountText: string, unitText: string): string | undefined {
  const unit = unitOf(unitText);
  const amount = parseNumber(amountText);
  if (!unit || !Number.isFinite(amount) || amount <= 0) return undefined;
  return toIsoDuration(amount, unit);
}

export interface TimeLabel {
  unit: DurationUnit;
  from: number;
  to?: number;
  /** "Week 6+": starts at `from` and has no planned end. */
  openEnded: boolean;
  index: number;
  length: number;
}

const TIME_LABEL =
  /\b(week|wk|day|month|hour)s?\s*(\d+)(?:\s*(?:-|–|—|to|through|until)\s*(?:(?:week|wk|day|month|hour)s?\s*)?(\d+))?(\s*\+|\s+(?:onwards?|and beyond|and later))?/i;

/** A calendar label: "Week 1", "Weeks 2–3", "Week 6+", "Days 3-6", "Month 3". */
export function readTimeLabel(text: string): TimeLabel | undefined {
  const match = TIME_LABEL.exec(text);
  if (!match) return undefined;
  const unit = unitOf(match[1]);
  if (!unit) return undefined;
  const from = Number(match[2]);
  const to = match[3] === undefined ? undefined : Number(match[3]);
  if (to !== undefined && to < from) return undefined;
  return {
    unit,
    from,
    ...(to === undefined ? {} : { to }),
    openEnded: match[4] !== undefined,
    index: match.index,
    length: match[0].length,
  };
}

/** How long a labelled period lasts: "Week 2-3" → P2W; open-ended labels have no planned length. */
export function spanOf(label: TimeLabel): string | undefined {
  if (label.openEnded) return undefined;
  return toIsoDuration((label.to ?? label.from) - label.from + 1, label.unit);
}

/** When a labelled moment falls, counted from the start: "Week 2" → P2W, "Month 3" → P3M. */
export function offsetOf(label: TimeLabel): string | undefined {
  return label.from > 0 ? toIsoDuration(label.from, label.unit) : undefined;
}

/** Phrases that say a phase has no planned end. */
export function isOpenEnded(text: string): boolean {
  return /\b(ongoing|open[- ]ended|indefinite(ly)?|until further notice)\b/i.test(text);
}
