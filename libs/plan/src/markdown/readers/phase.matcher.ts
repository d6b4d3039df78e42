/** Finds the phase a heading or sentence talks about: "GA Launch" → General Availability, "Prior to pilot…" → Pilot. */

const GENERIC = new Set([
  'phase',
  'stage',
  'rollout',
  'launch',
  'release',
  'the',
  'and',
  'of',
  'to',
  'a',
  'an',
  'plan',
  'group',
  'step',
]);

export interface NamedPhase {
  id: string;
  name: string;
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

function keysOf(phase: NamedPhase): Set<string> {
  const words = tokens(phase.name);
  const keys = new Set(words.filter((word) => !GENERIC.has(word)));
  if (words.length > 1) keys.add(words.map((word) => word[0]).join(''));
  return keys;
}

/** Index of the phase whose distinctive words the text mentions most; undefined when none is mentioned. */
export function matchPhase(text: string, phases: readonly NamedPhase[]): number | undefined {
  const said = new Set(tokens(text).flatMap((word) => [word, word.replace(/s$/, '')]));
  let best: number | undefined;
  let bestScore = 0;
  phases.forEach((phase, index) => {
    const score = [...keysOf(phase)].filter((key) => said.has(key)).length;
    if (score > bestScore) [best, bestScore] = [index, score];
  });
  return best;
}
