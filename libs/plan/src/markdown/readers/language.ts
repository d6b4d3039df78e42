import type Compromise from 'compromise';

/**
 * English grammar from `compromise`: verb phrases with their infinitive ("has signed off" → "sign off",
 * "approves" → "approve"), so readers match a verb in any tense without listing its forms.
 *
 * Loading compromise takes a few hundred milliseconds, so it is loaded on the first line that needs it (most
 * documents and the API's start never do), once per process; callers gate it behind a cheap word test.
 */
type Nlp = typeof Compromise;
let loaded: Nlp | undefined;

function nlp(): Nlp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  loaded ??= require('compromise') as Nlp;
  return loaded;
}

export interface VerbPhrase {
  /** The phrase as written, auxiliaries included: "has signed off", "must approve". */
  text: string;
  /** Lower-case infinitive: "sign off", "approve", "switch on". */
  infinitive: string;
  index: number;
  length: number;
}

interface VerbJson {
  text: string;
  offset: { start: number; length: number };
  verb?: { infinitive?: string };
}

/** The verb phrases of one line, in order. */
export function verbPhrases(text: string): VerbPhrase[] {
  const found = nlp()(text).verbs().json({ offset: true }) as VerbJson[];
  return found.map((verb) => ({
    text: verb.text,
    infinitive: (verb.verb?.infinitive ?? verb.text).toLowerCase().replace(/-/g, ' ').trim(),
    index: verb.offset.start,
    length: verb.offset.length,
  }));
}
