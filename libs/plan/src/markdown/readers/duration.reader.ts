import { toIsoDuration, type DurationUnit } from '../../duration';
import { parseNumber, tokenize, wordNumber, type Token } from './text';

/**
 * Reads amounts of time ("48 hours", "for 24h", "(< 5 min)", "2-3 weeks", "for two consecutive days") and
 * calendar labels ("Week 2-3"). Read from tokens, not substrings: an amount is a number (digits or a whole
 * number word) and a whole unit word, so "and" is never "an d" and "any hour" never "an y".
 */

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

/** Unit words a spelled-out number may take ("two weeks", "an hr"); one-letter units need digits ("72h"). */
const WORD_UNIT = /^(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|wks?|weeks?|months?|yrs?|years?)$/;

/** Words that may stand between a number and its unit: "5 consecutive days", "10 business days". */
const BETWEEN = new Set([
  'consecutive',
  'straight',
  'successive',
  'continuous',
  'uninterrupted',
  'full',
  'whole',
  'complete',
  'clear',
  'more',
  'additional',
  'extra',
  'further',
  'calendar',
  'business',
  'working',
  'rolling',
  'stable',
  'quiet',
  'clean',
  'healthy',
]);
/** Counted as calendar days; the reader says so, since weekends fall in between. */
const DOUBTFUL = new Set(['business', 'working']);

/** How many tokens a word between number and unit takes: "consecutive" 1, "incident-free" 3, else 0. */
function fillerAt(tokens: Token[], j: number): number {
  const token = tokens[j];
  if (token?.kind !== 'word') return 0;
  if (BETWEEN.has(token.word)) return 1;
  const [dash, free] = [tokens[j + 1], tokens[j + 2]];
  return dash?.text === '-' && dash.index === token.end && free?.word === 'free' ? 3 : 0;
}

export interface DurationMatch {
  iso: string;
  /** Upper end of a range such as "2-3 weeks". */
  maxIso?: string;
  index: number;
  length: number;
  /** Set when the reading is a guess: "10 business days" is read as 10 calendar days. */
  doubt?: string;
}

/** The first amount of time in `text`: "48 hours" → PT48H, "2-3 weeks" → P2W..P3W, "(≥90 days)" → P90D. */
export function readDuration(text: string): DurationMatch | undefined {
  for (const found of readDurations(text)) return found;
  return undefined;
}

const MAYBE_UNIT =
  /\d\s*-?\s*[smhdwy]|\b(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|wks?|weeks?|months?|mos?|years?|yrs?)\b/i;

/** Every amount of time in `text`, in order. */
export function* readDurations(text: string): Generator<DurationMatch> {
  // Most lines name no unit of time at all: skip tokenizing them (the importer reads every line several times).
  if (!MAYBE_UNIT.test(text)) return;
  const tokens = tokenize(text);
  for (let i = 0; i < tokens.length; i++) {
    const match = amountAt(tokens, i);
    if (match) {
      yield match.duration;
      i = match.next - 1;
    }
  }
}

interface NumberAt {
  value: number;
  /** Spelled out ("two", "an") rather than digits. */
  word: boolean;
  next: number;
}

/** A number starting at token `i`: "24", "1.5", "two", "an", "twenty-four", "twenty four". */
function numberAt(tokens: Token[], i: number): NumberAt | undefined {
  const token = tokens[i];
  if (!token) return undefined;
  const before = tokens[i - 1];
  // Glued to a word or a dot, the digits belong to it: "p99", "v1.2", "5xx".
  const glued =
    before !== undefined && before.end === token.index && (before.kind !== 'mark' || before.text === '.');
  if (token.kind === 'number')
    return glued ? undefined : { value: parseNumber(token.text), word: false, next: i + 1 };
  if (token.kind !== 'word' || glued) return undefined;
  const value = wordNumber(token.word);
  if (value === undefined) return undefined;
  // "twenty-four", "twenty four": tens then a unit word.
  if (value >= 20 && value % 10 === 0) {
    const hyphen = tokens[i + 1]?.text === '-' ? 1 : 0;
    const ones = tokens[i + 1 + hyphen];
    const small = ones?.kind === 'word' ? wordNumber(ones.word) : undefined;
    if (small !== undefined && small >= 1 && small <= 9 && !/^an?$/.test(ones.word))
      return { value: value + small, word: true, next: i + 2 + hyphen };
  }
  return { value, word: true, next: i + 1 };
}

function amountAt(tokens: Token[], i: number): { duration: DurationMatch; next: number } | undefined {
  const from = numberAt(tokens, i);
  if (!from) return undefined;
  let j = from.next;
  // A range: "2-3 weeks", "2 to 3 weeks", "two to three weeks".
  let upTo: NumberAt | undefined;
  if (tokens[j] && ['-', '–', '—', 'to'].includes(tokens[j].word)) {
    upTo = numberAt(tokens, j + 1);
    if (upTo) j = upTo.next;
  }
  const numberEnd = tokens[j - 1].end;
  const hyphen = tokens[j]?.text === '-'; // "24-hour"
  if (hyphen) j++;
  const between: string[] = [];
  for (let taken = fillerAt(tokens, j); taken > 0 && between.length < 2; taken = fillerAt(tokens, j)) {
    between.push(tokens[j].word);
    j += taken;
  }
  const unitToken = tokens[j];
  if (!unitToken || unitToken.kind !== 'word') return undefined;
  const unit = unitOf(unitToken.word);
  if (!unit) return undefined;
  const plain = between.length === 0 && !hyphen;
  if (!plain && !WORD_UNIT.test(unitToken.word)) return undefined;
  if (from.word && !WORD_UNIT.test(unitToken.word)) return undefined;
  // One-letter units follow digits at once or after one space ("72h", "5 m"), nothing else.
  if (!WORD_UNIT.test(unitToken.word) && !(plain && unitToken.index - numberEnd <= 1)) return undefined;
  // "a second reviewer": an ordinal, not one second.
  if (from.word && unit === 'seconds' && /^an?$/.test(tokens[i].word) && tokens[j + 1]?.kind === 'word')
    return undefined;
  // A unit word glued to more letters or digits is another word ("5 days2").
  const after = tokens[j + 1];
  if (after && after.index === unitToken.end && after.kind !== 'mark') return undefined;
  const found = between.find((word) => DOUBTFUL.has(word));
  const doubt = found ? `"${found} ${unitToken.word}" counted as calendar days` : undefined;
  const iso = from.value > 0 && Number.isFinite(from.value) ? toIsoDuration(from.value, unit) : undefined;
  if (!iso) return undefined;
  const maxIso =
    upTo && upTo.value > from.value && Number.isFinite(upTo.value)
      ? toIsoDuration(upTo.value, unit)
      : undefined;
  const index = tokens[i].index;
  return {
    duration: {
      iso,
      ...(maxIso ? { maxIso } : {}),
      index,
      length: unitToken.end - index,
      ...(doubt ? { doubt } : {}),
    },
    next: j + 1,
  };
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
  /\b(week|wk|day|month|hour)s?\s*(\d+)(?:\s*(?:-|–|—|to|through|until)\s*(?:(?:week|wk|day|month|hour)s?\s*)?(\d+)(?![\d.]|\s*%))?(\s*\+|\s+(?:onwards?|and beyond|and later))?/i;

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
