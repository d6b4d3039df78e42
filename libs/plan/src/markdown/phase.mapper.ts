import type { ChecklistItem, Phase } from '../plan.schema';
import { walkBlocks } from './blocks';
import { sourceOf, type ImportState } from './import.state';
import { readAudienceLimits, startsWithCount } from './readers/audience.reader';
import { readChannel } from './readers/action.reader';
import { readCondition, readWindow } from './readers/comparison.reader';
import {
  isOpenEnded,
  isoOf,
  readDuration,
  readDurations,
  readTimeLabel,
  spanOf,
} from './readers/duration.reader';
import { readFlagStates } from './readers/flag.reader';
import { readApproval } from './readers/approval.reader';
import { normaliseRole } from './readers/role.reader';
import { COUNT_WORD_SOURCE, slugify, stripParentheticals, tidy } from './readers/text';
import { mapSignal } from './signal.mapper';
import { readRecipient } from './communication.mapper';
import { mapRetention } from './settings.mapper';
import { linesOf, plainLabelOf, type Entry, type Lines, type Section } from './tree';
import {
  durationEndOf,
  phasePartOf,
  sectionKindOf,
  stripPhasePrefix,
  type PhasePartKind,
} from './vocabulary';

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
  if (label) {
    const span = spanOf(label);
    if (span) duration = { min: span };
    name = cutOut(name, label.index, label.length);
  }
  const limits: ReturnType<typeof readAudienceLimits> = [];
  // "(at least 1 week, no more than 3 weeks)", "(5% of traffic)", "(open-ended)": read, then cut out.
  name = name.replace(/\(([^()]*)\)/g, (whole, inner: string) => {
    const clauses = inner.split(/\s*[,;]\s*/);
    const stays = clauses.filter((clause) => readDuration(clause) || readTimeLabel(clause));
    const bounds = label ? {} : readDurationBounds(stays.join(', '));
    if (bounds.min || bounds.max) duration = { ...duration, ...bounds };
    const found = clauses.filter((clause) => !stays.includes(clause)).flatMap(readAudienceLimits);
    limits.push(...found);
    return bounds.min || bounds.max || found.length > 0 || tidy(inner) === '' || isOpenEnded(inner)
      ? ' '
      : whole;
  });
  const amount = label || duration ? undefined : readDuration(name);
  if (amount) {
    duration = { min: amount.iso, ...(amount.maxIso ? { max: amount.maxIso } : {}) };
    name = cutOut(name, amount.index, amount.length);
  }
  name = tidy(name.replace(/\(\s*[<>≤≥=~+]*\s*\)/g, ' ').replace(/\s+/g, ' '));
  // "25% A/B", "1% prod": the share stays in the name and is the phase's audience.
  const share = limits.length === 0 ? /(?<![\w.])(\d+(?:\.\d+)?)\s*%/.exec(name) : null;
  if (share) limits.push({ subject: 'traffic', max: Number(share[1]), unit: '%' });
  return { name: name === '' ? tidy(title) : name, ...(duration ? { duration } : {}), limits };
}

/**
 * Both ends of a stay: "at least 1 week, no more than 3 weeks" → P1W..P3W, "3 weeks at most, and no less
 * than 10 days" → P10D..P3W, "2-3 weeks" → P2W..P3W. `end` says which end an unmarked amount sets.
 */
export function readDurationBounds(text: string, end: 'min' | 'max' = 'min'): { min?: string; max?: string } {
  const bounds: { min?: string; max?: string } = {};
  // "between 5 and 10 days", "5 to 10 days": a range before the pieces are cut at "and".
  const between = /\b(?:between\s+)?(\d+(?:\.\d+)?)\s+(?:and|to)\s+(\d+(?:\.\d+)?)\s+([a-z]+)/i.exec(text);
  const low = between ? isoOf(between[1], between[3]) : undefined;
  const high = between ? isoOf(between[2], between[3]) : undefined;
  if (low && high) return { min: low, max: high };
  let unit: string | undefined;
  for (const piece of text.split(/\s*(?:[,;]|\band\b|\bbut\b)\s*/i)) {
    const label = readTimeLabel(piece);
    const span = label ? spanOf(label) : undefined;
    // "at least two weeks and no more than three": the second bound takes the first one's unit.
    const stripped = piece.replace(/[.!?]+$/, '');
    const bare = unit && durationEndOf(piece) && NUMBER_END.test(stripped);
    const amount = span
      ? undefined
      : (readDuration(piece) ?? (bare ? readDuration(`${stripped} ${unit}`) : undefined));
    unit = /\b(minutes?|hours?|days?|weeks?|months?)\b/i.exec(piece)?.[1] ?? unit;
    if (!span && !amount) continue;
    const which = durationEndOf(piece) ?? end;
    if (span) bounds[which] ??= span;
    else if (amount?.maxIso)
      [bounds.min, bounds.max] = [bounds.min ?? amount.iso, bounds.max ?? amount.maxIso];
    else if (amount) bounds[which] ??= amount.iso;
  }
  return bounds;
}

const NUMBER_END = new RegExp(String.raw`(?:\d+|${COUNT_WORD_SOURCE})\s*$`, 'i');

function cutOut(text: string, index: number, length: number): string {
  return `${text.slice(0, index)} ${text.slice(index + length)}`;
}

export function mapPhaseSection(state: ImportState, section: Section): void {
  const lines = section.heading ? linesOf(section.heading) : ([0, -1] as Lines);
  const context = addPhase(state, section.title, lines);
  mapPhaseBody(context, section, undefined);
}

/** The blocks of a phase whose lead is not a heading (a bold paragraph lead, then its paragraphs and lists). */
export function mapPhaseBlocks(context: PhaseContext, blocks: Section['blocks']): void {
  mapPhaseBody(context, { title: context.phase.name, depth: 0, blocks, children: [] }, undefined);
}

function mapPhaseBody(context: PhaseContext, section: Section, part: PhasePartKind | undefined): void {
  const { state } = context;
  walkBlocks(
    section.blocks,
    {
      entry: (entry, label) =>
        mapPhaseEntry(context, entry, (label ? phasePartOf(label) : undefined) ?? part, label),
      label: (label, lines) => {
        if (!phasePartOf(label)) return false;
        state.ledger.map(lines, context.path);
        return true;
      },
      field: (label) => phasePartOf(label) !== undefined,
      paragraph: (text, lines, labelled) => {
        const labelledPart = labelled ? phasePartOf(labelled.label) : undefined;
        if (labelled && labelledPart)
          mapPhaseText(context, labelled.rest, lines, labelledPart, null, labelled.label);
        else if (part && part !== 'description') mapPhaseText(context, text, lines, part);
        else mapPhaseProse(context, text, lines);
      },
    },
    state.ledger,
  );
  for (const child of section.children) {
    const childPart = phasePartOf(child.title);
    const planKind = childPart ? undefined : sectionKindOf(child.title);
    if (planKind && planKind !== 'phase' && planKind !== 'phases' && planKind !== 'criteria') {
      state.deferred.push({ kind: planKind, section: child, phaseId: context.phase.id });
      continue;
    }
    mapPhaseBody(context, child, childPart ?? (planKind === 'criteria' ? 'checklist' : part));
    if (child.heading) state.ledger.map(linesOf(child.heading), context.path);
  }
}

/**
 * A phase told in sentences ("It stays there for at least 48 hours. The integrations lead has approved the
 * move."): each sentence is read for what it holds — a sign-off or condition to leave (checklist), flag
 * states, the stay, who is told (communications), who gets it (audience) — else it is description.
 */
function mapPhaseProse(context: PhaseContext, text: string, lines: Lines): void {
  const sentences = text.split(/(?<=[.!?])\s+(?=[A-Z`#*"“])/);
  if (sentences.length === 1 && !proseSays(text)) return appendDescription(context, text, lines);
  // Sentences share the paragraph's lines: what they say is mapped first, the rest kept as description after.
  const described: string[] = [];
  for (const sentence of sentences.flatMap(splitSignOff)) {
    const parts = sentenceParts(context, sentence);
    for (const part of parts)
      mapPhaseText(context, part === 'audience' ? (audienceOf(sentence) ?? sentence) : sentence, lines, part);
    if (parts.length === 0) described.push(sentence);
  }
  if (described.length > 0) appendDescription(context, described.join(' '), lines);
}

/**
 * "The team runs a session, and the phase ends only after the head of product has signed off": a sign-off
 * joined to other work by ", and" is an item of its own.
 */
function splitSignOff(sentence: string): string[] {
  const clauses = sentence.split(/,\s*and\s+(?=[a-z]+\s)/i);
  if (clauses.length < 2) return [sentence];
  const signs = clauses.map((clause) => readApproval(clause) !== undefined);
  return signs.some(Boolean) && !signs.every(Boolean) ? clauses : [sentence];
}

const STAY =
  /\b(?:stays?|lasts?|remains?|give\s+it|keep\s+it|leave\s+it|runs?\s+for|soaks?|bakes?|at\s+least|at\s+the\s+(?:very\s+)?least|at\s+most|minimum|maximum|no\s+end|open-ended|(?:phase|stage|step|wave)\s+(?:lasts|runs|takes))\b/i;
/** A sentence that holds a condition on a measure, not only a stay ("error rate below 1% for 2 days"). */
const COMPARES =
  /[<>≤≥]|\b(?:below|above|under|over|at\s+or\s+(?:above|below)|less\s+than|more\s+than|fewer|greater|zero|no\s+(?:new|errors?|incidents?)|equal|match(?:es)?|within|steady|stable)\b/i;
const BOUND =
  /\b(?:at\s+(?:least|most)|no\s+(?:more|less|longer|fewer)\s+than|between)\s+[\w\s]+?(?=[,.;]|\band\b|$)/gi;
const TOLD =
  /\b(?:told|notif(?:y|ied)|e-?mail(?:s|ed)?|announce[sd]?|informed|heads-?up|briefed|posted?\s+in)\b/i;
const LEAVE =
  /\b(?:before\s+(?:moving|we|going|promot|continu|widen)|must|until|only\s+when|ends?\s+only|once|confirms?|signs?\s+off|approv\w*|sign-?off)\b/i;

function proseSays(sentence: string): boolean {
  return (
    readFlagStates(sentence).states.length > 0 ||
    !!readApproval(sentence) ||
    readWindow(sentence)?.mode === 'sustained'
  );
}

/** What one sentence of a phase says; a sentence may set flags, the stay and who gets it at once. */
function sentenceParts(context: PhaseContext, sentence: string): PhasePartKind[] {
  const parts: PhasePartKind[] = [];
  if (readFlagStates(sentence).states.length > 0) parts.push('flags');
  // "at least two weeks and no more than three" bounds the stay; it compares no measure.
  const measured = sentence.replace(BOUND, ' ');
  const sustained = readWindow(sentence)?.mode === 'sustained' && COMPARES.test(measured);
  // "Trust & Safety reviews a sample every week": recurring work in the stage is an item.
  if (EVERY.test(sentence) && MEETS.test(sentence)) return [...parts, 'checklist'];
  const leave = !!readApproval(sentence) || sustained || (LEAVE.test(sentence) && !STAY.test(sentence));
  if (leave) return [...parts, 'checklist'];
  const amount = readDuration(sentence) ?? readTimeLabel(sentence);
  const stays =
    (amount && (STAY.test(sentence) || /\bfor\s/i.test(sentence) || sentence.split(/\s+/).length <= 5)) ||
    isOpenEnded(sentence);
  if (stays && (!context.phase.duration?.min || isOpenEnded(sentence))) parts.push('duration');
  if (!context.phase.audience && audienceOf(sentence)) parts.push('audience');
  if (parts.length === 0 && TOLD.test(sentence)) parts.push('communications');
  if (parts.length === 0 && LEAVE.test(sentence)) parts.push('checklist');
  return parts;
}

const SHARE = new RegExp(
  String.raw`\d+(?:\.\d+)?\s*%\s+of\s+[^.,;]+|\d+(?:\.\d+)?\s*%|\b(?:${COUNT_WORD_SOURCE})\s+percent\s+of\s+[^.,;]+`,
  'i',
);

/** Who a sentence says gets the phase: a share or a head count ("for the three internal test merchants"). */
function audienceOf(sentence: string): string | undefined {
  const share = SHARE.exec(sentence);
  if (share) return share[0];
  const counted = /\((\d[\d,]*\s+[a-z][\w\s-]*)\)/i.exec(sentence);
  if (counted) return counted[1];
  // The sentence's start, or any "for …"/"to …" in it ("We turn `x` on for the three test merchants only").
  const starts = [0, ...[...sentence.matchAll(/\b(?:for|to)\s+/g)].map((m) => (m.index ?? 0) + m[0].length)];
  for (const start of starts) {
    const count = /^(?:\d[\d,]*|[A-Z]?[a-z]+)\s+[^.,;]*/.exec(sentence.slice(start));
    if (count && startsWithCount(count[0])) return count[0];
  }
  return undefined;
}

/**
 * What follows a phase's name on its lead line: "1% of traffic, 2 days minimum, `x`=true". Each clause is
 * read for what it holds; a clause holding nothing is description.
 */
export function mapPhaseSummary(context: PhaseContext, text: string, lines: Lines): void {
  const described: string[] = [];
  for (const clause of text.split(/\s*[,;]\s*/)) {
    if (clause === '') continue;
    const part = clausePart(clause);
    if (part) mapPhaseText(context, clause, lines, part);
    else described.push(clause);
  }
  if (described.length > 0) appendDescription(context, described.join(', '), lines);
}

function clausePart(clause: string): PhasePartKind | undefined {
  if (readFlagStates(clause).states.length > 0) return 'flags';
  if (readDuration(clause) || readTimeLabel(clause)) {
    // "2 days minimum" is a stay; "1% of traffic" and "5 merchants" are who.
    if (!/%/.test(clause) && readAudienceLimits(clause).every((l) => !l.unit || l.unit !== '%'))
      return 'duration';
  }
  if (readAudienceLimits(clause).length > 0 || startsWithCount(clause)) return 'audience';
  return undefined;
}

/** Whether a clause after a stage's name says something about the stage. */
export function isPhaseClause(clause: string): boolean {
  return clausePart(clause) !== undefined;
}

/** The phase context of an existing phase, for sections that add to it from elsewhere. */
export function phaseContextOf(state: ImportState, index: number): PhaseContext {
  return { state, phase: state.plan.phases[index], path: `phases[${index}]` };
}

export function mapPhaseEntry(
  context: PhaseContext,
  entry: Entry,
  inherited: PhasePartKind | undefined,
  inheritedLabel?: string,
): void {
  let part = inherited;
  let text = entry.text;
  let label = inheritedLabel;
  const plain =
    entry.label === undefined ? plainLabelOf(entry.text, (l) => phasePartOf(l) !== undefined) : undefined;
  if (plain && entry.children.length === 0)
    [part, text, label] = [phasePartOf(plain.label), plain.rest, plain.label];
  if (entry.label !== undefined) {
    const labelled = phasePartOf(entry.label);
    if (labelled) label = entry.label;
    const allFlags =
      entry.children.length > 0 && entry.children.every((c) => readFlagStates(c.text).states.length > 0);
    if (labelled) [part, text] = [labelled, entry.rest];
    else if (allFlags) [part, text] = ['flags', entry.rest];
    else if (entry.children.length > 0 && entry.rest === '') text = '';
  }
  if (text !== '') mapPhaseText(context, text, entry.lines, part, entry.checked, label);
  else context.state.ledger.map(entry.lines, context.path);
  for (const child of entry.children) mapPhaseEntry(context, child, part, label);
}

const ACTS_ON_BREACH = /\b(?:roll\s*back|rollback|abort|halt|pause|stop|revert)\b.*\b(?:if|when|on)\b/i;

function mapPhaseText(
  context: PhaseContext,
  text: string,
  lines: Lines,
  part: PhasePartKind | undefined,
  checked: boolean | null = null,
  label?: string,
): void {
  const { state, phase, path } = context;
  const kind = part ?? guessPart(text);
  switch (kind) {
    case 'maxDuration':
    case 'duration': {
      const bounds = readDurationBounds(
        text,
        (label ? durationEndOf(label) : undefined) ?? (kind === 'maxDuration' ? 'max' : 'min'),
      );
      const label_ = readTimeLabel(text);
      // "Open-ended; we keep watching for two weeks": no planned end, whatever else the sentence counts.
      if ((bounds.min || bounds.max) && !isOpenEnded(text)) phase.duration = { ...phase.duration, ...bounds };
      else if (!label_?.openEnded && !isOpenEnded(text)) return appendDescription(context, text, lines);
      state.ledger.map(lines, `${path}.duration`);
      return;
    }
    case 'approvals': {
      const roles = rolesOf(text);
      const title = tidy(text);
      const item: ChecklistItem = {
        id: state.checklistIdsOf(phase).take(slugify(`${label ?? 'approval'} ${stripParentheticals(title)}`)),
        title: label ? `${tidy(label)}: ${title}` : title,
        kind: 'approval',
        ...(roles.length > 0 ? { roles } : {}),
        source: sourceOf(lines),
      };
      state.add(phase.checklist, item, `${path}.checklist`, lines);
      return;
    }
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
      const limits = readAudienceLimits(text);
      // A bare share in a column of shares ("1%", "20%") is the share of traffic.
      const share = /^\s*(\d+(?:\.\d+)?)\s*%/.exec(text);
      if (limits.length === 0 && share) limits.push({ subject: 'traffic', max: Number(share[1]), unit: '%' });
      for (const limit of limits) audience.limits.push({ ...limit, source: sourceOf(lines) });
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
    case 'communications': {
      const channel = readChannel(text);
      const audience = readRecipient(text)?.audience;
      state.add(
        phase.communications,
        {
          ...(audience && audience !== channel ? { audience } : {}),
          ...(channel ? { channel } : {}),
          message: tidy(text),
          source: sourceOf(lines),
        },
        `${path}.communications`,
        lines,
      );
      return;
    }
    case 'guardrails':
      mapSignal(state, text, lines, { section: 'guardrails', phaseId: phase.id });
      return;
    case 'checklist': {
      const items = label ? text.split(/\s*;\s*/).filter((t) => t !== '') : [text];
      if (items.length > 1) {
        for (const one of items) mapPhaseText(context, one, lines, 'checklist', checked);
        return;
      }
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
  // Said after the verb ("reviewed daily by dbre", "checked weekly."): an adverb, not "daily active users".
  [/\b(daily|nightly)(?=\s*(?:$|[,.;)]|\b(?:by|with|until|while)\b))/i, 'P1D'],
  [/\b(weekly)(?=\s*(?:$|[,.;)]|\b(?:by|with|until|while)\b))/i, 'P7D'],
];

/** "every 12 hours", "every week": a period, when the item is a meeting of people, not a condition ("every month since 2019"). */
const EVERY = /\b(every\s+(?:(\d+)\s+)?(hours?|days?|weeks?|months?))\b/i;
const MEETS =
  /\b(?:check-?\s*ins?|reminders?|reviews?|syncs?|stand-?\s*ups?|reports?|meetings?|calls?|status\s+updates?|triage)\b/i;

/** The period of an item whose title begins "Daily" or "Weekly" or meets "every 12 hours", with its words. */
export function readRecurrence(title: string): { word: string; every: string } | undefined {
  for (const [pattern, every] of RECURRING) {
    const match = pattern.exec(title);
    if (match) return { word: match[1], every };
  }
  const every = MEETS.test(title) ? EVERY.exec(title) : null;
  const iso = every ? isoOf(every[2] ?? '1', every[3]) : undefined;
  return every && iso ? { word: every[1], every: iso } : undefined;
}

/**
 * When an item is due, measured from the phase's start: "due within 5 days", "within 2 days of phase start",
 * "within 5 days of the step starting". A bare "within 10 minutes" is a window, not a deadline.
 */
const DUE_BEFORE = /\bdue\s+(?:with)?in\s+$/i;
const FROM_START_AFTER =
  /^\s+(?:of|after|from)\s+(?:the\s+)?(?:(?:phase|stage|step|wave|ring|cohort)\s+(?:start(?:ing|s)?|begin(?:ning|s)?|open(?:ing|s)?)|start(?:ing)?(?:\s+of\s+the\s+(?:phase|stage|step|wave|ring|cohort))?)\b/i;

export function readDeadline(text: string): string | undefined {
  for (const amount of readDurations(text)) {
    const before = text.slice(0, amount.index);
    const after = text.slice(amount.index + amount.length);
    if (DUE_BEFORE.test(before) || (/\bwithin\s+$/i.test(before) && FROM_START_AFTER.test(after)))
      return amount.iso;
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
  const deadline = readDeadline(title);
  const recurs = { ...(recurrence ? { every: recurrence.every } : {}), ...(deadline ? { deadline } : {}) };
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

/** "Legal, Security and the Release captain" → `legal`, `security`, `release-captain`. */
function rolesOf(text: string): string[] {
  const approval = readApproval(text);
  if (approval && approval.roles.length > 0) return approval.roles;
  const roles = stripParentheticals(text)
    .replace(/[.]+$/, '')
    .split(/\s*(?:,|;|\/|&|\+|\band\b|\bor\b)\s*/i)
    .map(normaliseRole)
    .filter((role) => role !== '' && role.split('-').length <= 4);
  return [...new Set(roles)];
}
