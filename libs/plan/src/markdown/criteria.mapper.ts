import { walkBlocks } from './blocks';
import type { ImportState } from './import.state';
import { mapPhaseEntry, phaseContextOf } from './phase.mapper';
import { matchPhase } from './readers/phase.matcher';
import { linesOf, type Entry, type Lines, type Section } from './tree';

/**
 * Exit criteria kept in a section of their own ("Promotion criteria", "Gates"), per stage by name or number:
 * "Canary (1%) → Early (10%)", "Before Beta:", "Stage 2 exit", or a table whose first column names the stage.
 * Each criterion joins the checklist of the stage it lets the rollout leave.
 */
export function mapCriteria(state: ImportState, section: Section, inherited?: number): void {
  const here = phaseRefOf(state, section.title) ?? inherited;
  const add = (at: number | undefined, entry: Entry) => {
    if (at === undefined) return;
    mapPhaseEntry(phaseContextOf(state, at), entry, 'checklist');
  };
  walkBlocks(
    section.blocks,
    {
      entry: (entry, label) => {
        const labelled = label !== undefined ? phaseRefOf(state, label) : undefined;
        if (entry.cells) {
          const [first, ...others] = Object.values(entry.cells);
          const text = others.filter((cell) => cell !== '').join('; ');
          if (text !== '') add(phaseRefOf(state, first) ?? here, asEntry(text, entry.lines));
          return;
        }
        const named = entry.label !== undefined ? phaseRefOf(state, entry.label) : undefined;
        if (named !== undefined) {
          if (entry.rest !== '') add(named, asEntry(entry.rest, entry.lines));
          else state.ledger.map(entry.lines, `phases[${named}]`);
          for (const child of entry.children) add(named, child);
          return;
        }
        add(labelled ?? here, entry);
      },
      label: (label, lines) => {
        const at = phaseRefOf(state, label);
        if (at === undefined) return false;
        state.ledger.map(lines, `phases[${at}]`);
        return true;
      },
      paragraph: (text, lines, labelled) => {
        const named = labelled ? phaseRefOf(state, labelled.label) : undefined;
        if (named !== undefined) add(named, asEntry(labelled!.rest, lines));
        else if (here !== undefined) add(here, asEntry(text, lines));
      },
    },
    state.ledger,
  );
  for (const child of section.children) {
    const at = phaseRefOf(state, child.title) ?? here;
    mapCriteria(state, child, at);
    if (child.heading && at !== undefined) state.ledger.map(linesOf(child.heading), `phases[${at}]`);
  }
}

function asEntry(text: string, lines: Lines): Entry {
  return { text, rest: text, lines, checked: null, children: [] };
}

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
