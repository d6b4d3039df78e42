/** Small text helpers shared by the readers: slugs, metric names, unique ids, word numbers. */

const STOP_WORDS = new Set([
  'a',
  'an',
  'the',
  'of',
  'to',
  'for',
  'in',
  'on',
  'at',
  'by',
  'with',
  'via',
  'from',
  'and',
  'or',
  'per',
  'as',
]);

function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** "Pilot Merchants (Week 2-3)" → `pilot-merchants-week-2-3`; long titles keep their first meaningful words. */
export function slugify(text: string, maxWords = 5): string {
  const all = words(text);
  const meaningful = all.filter((word) => !STOP_WORDS.has(word));
  const slug = (meaningful.length > 0 ? meaningful : all).slice(0, maxWords).join('-').slice(0, 63);
  return slug.replace(/-+$/, '');
}

/** "Error rate (5xx)" → `error_rate`: parentheticals are annotations, not part of the name. */
export function metricName(text: string): string {
  const name = words(stripParentheticals(text))
    .filter((word) => !STOP_WORDS.has(word))
    .slice(0, 8)
    .join('_');
  return /^[a-z]/.test(name) ? name : `metric_${name}`;
}

export function stripParentheticals(text: string): string {
  return text
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Hands out ids unique within one collection: `pilot`, `pilot-2`, … */
export class UniqueIds {
  private readonly taken = new Set<string>();

  constructor(private readonly fallback: string) {}

  take(base: string): string {
    const root = base === '' ? this.fallback : base;
    let id = root;
    for (let n = 2; this.taken.has(id); n++) id = `${root.slice(0, 59)}-${n}`;
    this.taken.add(id);
    return id;
  }
}

const WORD_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** Regex source for a number as plans write it: digits, "1,000", "1.5", or a small word number. */
export const NUMBER_SOURCE = String.raw`\d[\d,]*(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety`;
/** A head count or share spelled out ("Twenty merchants", "Ten percent"): a word number above one. */
export const COUNT_WORD_SOURCE = String.raw`two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety`;

export function parseNumber(text: string): number {
  const word = WORD_NUMBERS[text.toLowerCase()];
  return word ?? Number(text.replace(/,/g, ''));
}

/** A word that is a number on its own ("two", "an", "twenty"), or undefined. */
export function wordNumber(word: string): number | undefined {
  return WORD_NUMBERS[word.toLowerCase()];
}

export interface Token {
  text: string;
  /** Lower-case text. */
  word: string;
  kind: 'number' | 'word' | 'mark';
  index: number;
  end: number;
}

const TOKEN = /(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|([A-Za-z]+)|(\S)/g;

/** Words, numbers and single marks with their offsets: "and" stays one word, "72h" is a number then a word. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    const kind = match[1] ? 'number' : match[2] ? 'word' : 'mark';
    tokens.push({ text: match[0], word: match[0].toLowerCase(), kind, index, end: index + match[0].length });
  }
  return tokens;
}

/** Trims list punctuation and separators a title carries from its context. */
export function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^[\s:;,.\-–—|>]+/, '')
    .replace(/[\s:;,\-–—|]+$/, '')
    .trim();
}
