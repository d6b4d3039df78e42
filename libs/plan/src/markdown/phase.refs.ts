import type { ImportState } from './import.state';
import { matchPhase } from './readers/phase.matcher';

/** Phases named by a section, label or sentence written apart from them. */

const NUMBERED = /\b(?:phase|stage|step|wave|ring|cohort|tier|batch|p)\s*#?(\d+)\b/i;
const ENTERING = /\b(?:before|into|entering|to|for)\s+(.+)$/i;

/**
 * The phase a title or label speaks of, as an index: by number ("Stage 2 exit", "P1") matched against the
 * stages' own numbering, else by name; a transition "A → B" is about leaving A, "Before B" about leaving the
 * stage before B.
 */
export function phaseRefOf(state: ImportState, text: string): number | undefined {
  const phases = state.plan.phases;
  if (phases.length === 0) return undefined;
  const [from] = text.split(/\s*(?:→|->|=>|⇒|⟶)\s*/);
  const number = NUMBERED.exec(from);
  if (number) {
    const word = from
      .slice(number.index, number.index + number[0].length)
      .replace(/\s|#/g, '')
      .toLowerCase();
    const own = phases.findIndex((phase) => {
      const line = state.lines[(phase.source?.line ?? 0) - 1] ?? '';
      return line.replace(/\s|#/g, '').toLowerCase().includes(word);
    });
    if (own >= 0) return own;
    const n = Number(number[1]);
    if (n >= 1 && n <= phases.length) return n - 1;
  }
  const entering = from === text ? ENTERING.exec(text) : null;
  if (entering && !/\b(?:leav|exit|promot|finish)/i.test(text)) {
    const next = matchPhase(entering[1], phases);
    if (next !== undefined) return next > 0 ? next - 1 : next;
  }
  return matchPhase(from, phases);
}

/**
 * The phases a sentence about stages covers: "from Canary onwards" → Canary to the last, "at Full" → Full,
 * "until Beta" → the first to the one before Beta; undefined when it names none.
 */
export function phaseSpanOf(state: ImportState, text: string): number[] | undefined {
  const phases = state.plan.phases;
  const onwards =
    /\b(?:from|after|starting\s+(?:at|with|in))\s+(.+?)\s*(?:onwards?|on|forward|and\s+later)?\s*$/i.exec(
      text,
    );
  const until = /\b(?:until|till|up\s+to|before)\s+(.+)$/i.exec(text);
  const at = /\b(?:at|in|for|during)\s+(.+)$/i.exec(text);
  if (onwards) {
    const from = matchPhase(onwards[1], phases);
    if (from !== undefined) return phases.map((_, i) => i).filter((i) => i >= from);
  }
  if (until) {
    const end = matchPhase(until[1], phases);
    if (end !== undefined) return phases.map((_, i) => i).filter((i) => i < end);
  }
  if (at) {
    const one = matchPhase(at[1], phases);
    if (one !== undefined) return [one];
  }
  return undefined;
}
