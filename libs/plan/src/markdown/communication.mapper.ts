import type { Communication } from '../plan.schema';
import { walkBlocks } from './blocks';
import { sourceOf, type ImportState } from './import.state';
import { readChannel } from './readers/action.reader';
import { matchPhase } from './readers/phase.matcher';
import { tidy } from './readers/text';
import { linesOf, type Lines, type Section } from './tree';

/** Maps a communication plan. Sub-headings and labels name the audience; the phase is the one they mention. */
export function mapCommunications(
  state: ImportState,
  section: Section,
  audience?: string,
  phaseId?: string,
): void {
  const add = (text: string, lines: Lines, who: string | undefined) => {
    const channel = readChannel(text);
    const communication: Communication = {
      ...(who ? { audience: who } : {}),
      ...(channel ? { channel } : {}),
      message: tidy(text),
      source: sourceOf(lines),
    };
    const fixed = phaseId ? state.plan.phases.findIndex((p) => p.id === phaseId) : -1;
    const index =
      fixed >= 0 ? fixed : (matchPhase(who ?? '', state.plan.phases) ?? matchPhase(text, state.plan.phases));
    if (index === undefined) state.add(state.plan.communications, communication, 'communications', lines);
    else
      state.add(
        state.plan.phases[index].communications,
        communication,
        `phases[${index}].communications`,
        lines,
      );
  };
  walkBlocks(
    section.blocks,
    {
      entry: (entry, label) => {
        const who = entry.label ?? label ?? audience;
        if (entry.label && entry.rest === '') state.ledger.map(entry.lines, 'communications');
        else add(entry.label ? entry.rest : entry.text, entry.lines, who);
        for (const child of entry.children) add(child.text, child.lines, who);
      },
      label: () => true,
      paragraph: (text, lines) => add(text, lines, audience),
    },
    state.ledger,
  );
  for (const child of section.children) {
    mapCommunications(state, child, child.title, phaseId);
    if (child.heading) {
      const [from, until] = rangeOf(child);
      const to = state.ledger.firstPathIn(from, until);
      if (to) state.ledger.map(linesOf(child.heading), to.replace(/\[\d+\]$/, ''));
    }
  }
}

export function rangeOf(section: Section): Lines {
  const start = section.heading ? linesOf(section.heading)[0] : 1;
  const last = [...section.blocks.map((b) => linesOf(b)[1]), ...section.children.map((c) => rangeOf(c)[1])];
  return [start, Math.max(start, ...last)];
}
