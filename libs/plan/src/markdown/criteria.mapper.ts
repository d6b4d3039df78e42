import { walkBlocks } from './blocks';
import type { ImportState } from './import.state';
import { mapPhaseEntry, phaseContextOf } from './phase.mapper';
import { phaseRefOf } from './phase.refs';
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
