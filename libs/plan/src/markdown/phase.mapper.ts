import type { ChecklistItem, Phase } from '../plan.schema';
import { walkBlocks } from './blocks';
import { sourceOf, type ImportState } from './import.state';
import { readAudienceLimits, startsWithCount } from './readers/audience.reader';
import { readChannel } from './readers/action.reader';
import { readCondition, readWindow } from './readers/comparison.reader';
import { isOpenEnded, readDuration, readTimeLabel, spanOf } from './readers/duration.reader';
import { readFlagStates } from './readers/flag.reader';
import { readApproval } from './readers/approval.reader';
import { slugify, stripParentheticals, tidy } from './readers/text';
import { mapSignal } from './signal.mapper';
import { mapRetention } from './settings.mapper';
import { linesOf, type Entry, type Lines, type Section } from './tree';
import { phasePartOf, sectionKindOf, stripPhasePrefix, type PhasePartKind } from './vocabulary';

/** Maps a phase (or stage, wave…) section: its heading, labelled parts, checklist, flags, audience. */

interface PhaseContext {
  state: ImportState;
  phase: Phase;
  path: string;
}

/** A new phase from a heading, list item or table row: "Phase 2: Pilot Merchants (Week 2-3)". */
export function addPhase(state: ImportState, title: string, lines: Lines): PhaseContext {
  const { name, duration, limits } = readPhaseTitle(title);
  const phase: Phase = {
    id: state.ids.phases.take(slugify(name)),
    name,
    ...(duration ? { duration } : {}),
    flags: {},
    checklist: [],
    communications: [],
    source: sourceOf(lines),
  };
  if (limits.length > 0)
    phase.audience = {
      limits: limits.map((l) => ({ ...l, source: sourceOf(lines) })),
      source: sourceOf(lines),
    };
  const path = state.add(state.plan.phases, phase, 'phases', lines);
  return { state, phase, path };
}

export function readPhaseTitle(title: string): {
  name: string;
  duration?: Phase['duration'];
  limits: ReturnType<typeof readAudienceLimits>;
} {
  let name = stripPhasePrefix(title);
  let duration: Phase['duration'];
  const label = readTimeLabel(name);
  const amount = label ? undefined : readDuration(name);
  if (label) {
    const span = spanOf(label);
    if (span) duration = { min: span };
    name = cutOut(name, label.index, label.length);
  } else if (amount) {
    duration = { min: amount.iso, ...(amount.maxIso ? { max: amount.maxIso } : {}) };
    name = cutOut(name, amount.index, amount.length);
  }
  const limits: ReturnType<typeof readAudienceLimits> = [];
  name = name.replace(/\(([^()]*)\)/g, (whole, inner: string) => {
    const found = readAudienceLimits(inner);
    limits.push(...found);
    return found.length > 0 || tidy(inner) === '' || isOpenEnded(inner) ? ' ' : whole;
  });
  name = tidy(name.replace(/\(\s*[<>≤≥=~+]*\s*\)/g, ' ').replace(/\s+/g, ' '));
  return { name: name === '' ? tidy(title) : name, ...(duration ? { duration } : {}), limits };
}

function cutOut(text: string, index: number, length: number): string {
  return `${text.slice(0, index)} ${text.slice(index + length)}`;
}

export function mapPhaseSection(state: ImportState, section: Section): void {
  const lines = section.heading ? linesOf(section.heading) : ([0, -1] as Lines);
  const context = addPhase(state, section.title, lines);
  mapPhaseBody(context, section, undefined);
}

function mapPhaseBody(context: PhaseContext, section: Section, part: PhasePartKind | undefined): void {
  const { state } = context;
  walkBlocks(
    section.blocks,
    {
      entry: (entry, label) =>
        mapPhaseEntry(context, entry, (label ? phasePartOf(label) : undefined) ?? part),
      label: (label, lines) => {
        if (!phasePartOf(label)) return false;
        state.ledger.map(lines, context.path);
        return true;
      },
      paragraph: (text, lines, labelled) => {
        const labelledPart = labelled ? phasePartOf(labelled.label) : undefined;
        if (labelled && labelledPart) mapPhaseText(context, labelled.rest, lines, labelledPart);
        else if (part && part !== 'description') mapPhaseText(context, text, lines, part);
        else appendDescription(context, text, lines);
      },
    },
    state.ledger,
  );
  for (const child of section.children) {
    const childPart = phasePartOf(child.title);
    const planKind = childPart ? undefined : sectionKindOf(child.title);
    if (planKind && planKind !== 'phase' && planKind !== 'phases') {
      state.deferred.push({ kind: planKind, section: child, phaseId: context.phase.id });
      continue;
    }
    mapPhaseBody(context, child, childPart ?? part);
    if (child.heading) state.ledger.map(linesOf(child.heading), context.path);
  }
}

export function mapPhaseEntry(
  context: PhaseContext,
  entry: Entry,
  inherited: PhasePartKind | undefined,
): void {
  let part = inherited;
  let text = entry.text;
  if (entry.label !== undefined) {
    const labelled = phasePartOf(entry.label);
    const allFlags =
      entry.children.length > 0 && entry.children.every((c) => readFlagStates(c.text).states.length > 0);
    if (labelled) [part, text] = [labelled, entry.rest];
    else if (allFlags) [part, text] = ['flags', entry.rest];
    else if (entry.children.length > 0 && entry.rest === '') text = '';
  }
  if (text !== '') mapPhaseText(context, text, entry.lines, part, entry.checked);
  else context.state.ledger.map(entry.lines, context.path);
  for (const child of entry.children) mapPhaseEntry(context, child, part);
}

const ACTS_ON_BREACH = /\b(?:roll\s*back|rollback|abort|halt|pause|stop|revert)\b.*\b(?:if|when|on)\b/i;

function mapPhaseText(
  context: PhaseContext,
  text: string,
  lines: Lines,
  part: PhasePartKind | undefined,
  checked: boolean | null = null,
): void {
  const { state, phase, path } = context;
  const kind = part ?? guessPart(text);
  switch (kind) {
    case 'description':
      return appendDescription(context, text, lines);
    case 'owner':
      phase.owner = tidy(text);
      state.ledger.map(lines, `${path}.owner`);
      return;
    case 'audience': {
      const audience = (phase.audience ??= { limits: [], source: sourceOf(lines) });
      audience.description = audience.description ? `${audience.description} ${tidy(text)}` : tidy(text);
      audience.source ??= sourceOf(lines);
      for (const limit of readAudienceLimits(text))
        audience.limits.push({ ...limit, source: sourceOf(lines) });
      state.ledger.map(lines, `${path}.audience`);
      return;
    }
    case 'flags': {
      const { states, remainder } = readFlagStates(text);
      if (states.length === 0) return;
      for (const { key, value } of states) phase.flags[key] = value;
      state.ledger.map(lines, `${path}.flags`);
      if (remainder !== '') state.ledger.note(lines[0], `flag condition not modelled: "${remainder}"`);
      return;
    }
    case 'duration': {
      const label = readTimeLabel(text);
      const span = label ? spanOf(label) : undefined;
      const amount = readDuration(text);
      if (span) phase.duration = { min: span };
      else if (amount) phase.duration = { min: amount.iso, ...(amount.maxIso ? { max: amount.maxIso } : {}) };
      else if (!label?.openEnded && !isOpenEnded(text)) return;
      if (!span && amount?.doubt) state.ledger.note(lines[0], amount.doubt);
      state.ledger.map(lines, `${path}.duration`);
      return;
    }
    case 'communications': {
      const channel = readChannel(text);
      state.add(
        phase.communications,
        { ...(channel ? { channel } : {}), message: tidy(text), source: sourceOf(lines) },
        `${path}.communications`,
        lines,
      );
      return;
    }
    case 'guardrails':
      mapSignal(state, text, lines, { section: 'guardrails', phaseId: phase.id });
      return;
    case 'checklist': {
      const item = checklistItemOf(
        text,
        state.checklistIdsOf(phase).take(slugify(stripParentheticals(text))),
        lines,
      );
      state.add(phase.checklist, item, `${path}.checklist`, lines);
      const recurrence = readRecurrence(item.title);
      if (recurrence)
        state.ledger.note(
          lines[0],
          `"${recurrence.word}" read as a recurring check-in: a reminder every ${recurrence.every} while the phase runs`,
        );
      mapRetention(state, text, lines);
      if (checked)
        state.ledger.note(
          lines[0],
          'item is ticked in the document; progress is recorded by the rollout, not the plan',
        );
      return;
    }
  }
}

/** An unlabelled bullet in a phase: flag states, a head count, a breach rule, or else a checklist item. */
function guessPart(text: string): PhasePartKind {
  if (readFlagStates(text).states.length > 0) return 'flags';
  if (startsWithCount(text) && !readDuration(text.slice(0, 12))) return 'audience';
  if (ACTS_ON_BREACH.test(text) && readCondition(text)) return 'guardrails';
  return 'checklist';
}

const CHECK =
  /\b(?:tests?|probes?|checks?|health\s*checks?|smoke|monitors?|ci|pipeline)\b.*\b(?:pass(?:es|ing)?|green|succeed(?:s)?|ok|healthy)\b/i;

/** Items that recur by their first word: "Daily check-ins", "Weekly metrics review". */
const RECURRING: [RegExp, string][] = [
  [/^[*_]*(daily)\b/i, 'P1D'],
  [/^[*_]*(weekly)\b/i, 'P7D'],
];

/** The period of an item whose title begins "Daily" or "Weekly", with the word it was read from. */
export function readRecurrence(title: string): { word: string; every: string } | undefined {
  for (const [pattern, every] of RECURRING) {
    const match = pattern.exec(title);
    if (match) return { word: match[1], every };
  }
  return undefined;
}

/**
 * Kind of a checklist item from its wording: sign-offs, "green for 24h", automated checks, or manual work;
 * and, whatever its kind, a recurring check-in when its title begins "Daily" or "Weekly".
 */
export function checklistItemOf(text: string, id: string, lines: Lines): ChecklistItem {
  const title = tidy(text);
  const recurrence = readRecurrence(title);
  const recurs = recurrence ? { every: recurrence.every } : {};
  const approval = readApproval(text);
  if (approval)
    return {
      id,
      title,
      kind: 'approval',
      ...(approval.roles.length > 0 ? { roles: approval.roles } : {}),
      ...recurs,
      source: sourceOf(lines),
    };
  const window = readWindow(text);
  if (window?.mode === 'sustained')
    return { id, title, kind: 'sustained', sustain: window.iso, ...recurs, source: sourceOf(lines) };
  return { id, title, kind: CHECK.test(text) ? 'check' : 'manual', ...recurs, source: sourceOf(lines) };
}

function appendDescription(context: PhaseContext, text: string, lines: Lines): void {
  const { phase, state, path } = context;
  phase.description = phase.description ? `${phase.description}\n${tidy(text)}` : tidy(text);
  state.ledger.map(lines, `${path}.description`);
}
