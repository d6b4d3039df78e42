import { documentProblem } from '../plan.document';
import { factsOf, sourceAt } from '../plan.facts';
import type { PlanError } from '../plan.errors';
import type { RolloutPlan } from '../plan.schema';
import { validatePlan } from '../plan.validate';
import { walkBlocks } from './blocks';
import { mapCommunications, rangeOf } from './communication.mapper';
import { mapFlagProse, mapFlags, registerMissingFlags } from './flags.mapper';
import { nameFromFile } from './import.name';
import { ImportState } from './import.state';
import type { ImportNote, MappedLine, UnmappedLine } from './ledger';
import { mapCriteria } from './criteria.mapper';
import { phaseRefOf, phaseSpanOf } from './phase.refs';
import { readCondition } from './readers/comparison.reader';
import { readFlagStates } from './readers/flag.reader';
import {
  addPhase,
  isPhaseClause,
  mapPhaseEntry,
  mapPhaseSection,
  mapPhaseSummary,
  phaseContextOf,
} from './phase.mapper';
import { readApproval } from './readers/approval.reader';
import { slugify, tidy } from './readers/text';
import { mapReviews } from './review.mapper';
import { mapRollback } from './rollback.mapper';
import { mapRetention } from './settings.mapper';
import { mapSignal, resolveMetricNames, resolveRollbackLevels } from './signal.mapper';
import { phaseByShape, restructure } from './structure';
import {
  linesOf,
  parseMarkdown,
  sectionsOf,
  type Entry,
  type Lines,
  type Section,
  type TableView,
} from './tree';
import { phasePartOf, sectionKindOf, type SectionKind } from './vocabulary';

export interface ImportReport {
  /** Lines understood: each gave the plan at least one fact, listed with the element it became. */
  mapped: MappedLine[];
  /** Non-blank lines that gave the plan no fact, with what the text was kept as, if anything. */
  unmapped: UnmappedLine[];
  /** Assumptions and details the plan cannot hold (e.g. "(if ready)" after a flag state). */
  notes: ImportNote[];
  /** Problems with the document or the plan it produced; empty when the plan is valid. */
  errors: PlanError[];
}

export interface ImportResult {
  plan: RolloutPlan;
  report: ImportReport;
}

export interface ImportOptions {
  /** The document's file name: it names the plan when the title is generic ("Production Rollout Plan"). */
  fileName?: string;
}

/**
 * Imports a plan written in Markdown. Never throws: a document that cannot be read yields an empty plan
 * and the reason in `report.errors`.
 */
export function importMarkdown(text: string, options: ImportOptions = {}): ImportResult {
  const problem = documentProblem(text);
  if (problem) {
    const state = new ImportState([]);
    return {
      plan: state.plan,
      report: { mapped: [], unmapped: [], notes: [], errors: [{ path: '', message: problem }] },
    };
  }
  const state = new ImportState(text.split('\n'));
  // A lone CR ends a line for the Markdown parser but not for the report, the audit and the console (which
  // number lines by LF): read it as a space so every line number means the same line.
  const top = sectionsOf(parseMarkdown(text.replace(/\r(?!\n)/g, ' ')));
  const [first] = top.children;
  const titled = first && first.depth === 1 && top.blocks.length === 0;
  if (titled) restructure(first, undefined);
  else restructure(top, undefined);
  if (titled) mapTitle(state, first);

  // Phases first, so communications, flag tables and guardrails can refer to them.
  const later: { kind: SectionKind; section: Section }[] = [];
  const visit = (section: Section, inherited?: SectionKind) => {
    const named = inherited ?? section.kind ?? sectionKindOf(section.title);
    const before = section.children.length;
    restructure(section, named);
    const kind = named ?? (section.children.length === before ? phaseByShape(section) : undefined);
    if (kind === 'phase') mapPhaseSection(state, section);
    else if (kind === 'phases') mapPhasesContainer(state, section);
    else if (kind) later.push({ kind, section });
    else section.children.forEach((child) => visit(child));
  };
  if (titled) first.children.forEach((child) => visit(child));
  (titled ? top.children.slice(1) : top.children).forEach((child) => visit(child));

  for (const { kind, section } of later) mapSection(state, kind, section);
  for (const deferred of state.deferred.splice(0))
    mapSection(state, deferred.kind, deferred.section, deferred.phaseId);

  resolveRollbackLevels(state);
  resolveMetricNames(state);
  registerMissingFlags(state);
  nameFromFile(state.plan.metadata, options.fileName);
  const validation = validatePlan(state.plan);
  // A valid plan comes back from the schema with its keys in canonical order.
  const plan = validation.ok ? validation.plan : state.plan;
  const lines = state.ledger.result(factsOf(plan), (path) => sourceAt(plan, path));
  return { plan, report: { ...lines, errors: [...state.errors, ...validation.errors] } };
}

function mapTitle(state: ImportState, section: Section): void {
  const { metadata } = state.plan;
  const lines = linesOf(section.heading!);
  metadata.title = section.title;
  // "Rollout Plan – Admin Panel" → admin-panel: the words every plan's title shares say nothing.
  metadata.name =
    slugify(section.title.replace(/\broll-?out\s+plan\b|\bplan\b/gi, ' '), 6) ||
    slugify(section.title) ||
    'rollout-plan';
  metadata.source = { line: lines[0] };
  state.ledger.map(lines, 'metadata');
  walkBlocks(
    section.blocks,
    {
      entry: () => undefined,
      paragraph: (text, at) => {
        metadata.description = metadata.description ? `${metadata.description}\n${tidy(text)}` : tidy(text);
        // First, so a line that names a flag's default reports the flag it became.
        mapFlagProse(state, text, at);
        state.ledger.map(at, 'metadata.description');
      },
    },
    state.ledger,
  );
}

/** Maps one plan-level section, then its heading as structure for what it produced. */
function mapSection(state: ImportState, kind: SectionKind, section: Section, phaseId?: string): void {
  switch (kind) {
    case 'flags':
      mapFlags(state, section);
      break;
    case 'rollback':
      mapRollback(state, section);
      break;
    case 'communications':
      mapCommunications(state, section, undefined, phaseId);
      break;
    case 'reviews':
      mapReviews(state, section);
      break;
    case 'settings':
      mapSettings(state, section);
      break;
    case 'guardrails':
    case 'metrics':
    case 'monitoring':
      mapSignals(state, section, kind === 'guardrails' ? 'guardrails' : 'metrics', phaseId);
      break;
    case 'criteria':
      mapCriteria(state, section);
      break;
    case 'phase':
    case 'phases':
      break;
  }
  mapHeading(state, section, kind === 'rollback' ? 'rollback' : undefined);
}

function mapHeading(state: ImportState, section: Section, to?: string): void {
  if (!section.heading) return;
  const [from, until] = rangeOf(section);
  const path = to ?? state.ledger.firstPathIn(from + 1, until);
  if (path) state.ledger.map(linesOf(section.heading), path.replace(/\[\d+\]$/, ''));
}

function mapSignals(
  state: ImportState,
  section: Section,
  kind: 'guardrails' | 'metrics',
  phaseId?: string,
): void {
  walkBlocks(
    section.blocks,
    {
      entry: (entry) => {
        for (const item of [entry, ...entry.children])
          if (item.text !== '') mapSignal(state, item.text, item.lines, { section: kind, phaseId });
      },
      // "**Kill rules.** Day-1 activation below 38% over 24 hours pauses the test. …": a rule per sentence.
      paragraph: (text, lines) => {
        for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z`*])|,?\s+or\s+(?=if\s)/))
          if (readCondition(sentence) || (kind === 'guardrails' && BREACH_VERB.test(sentence)))
            mapSignal(state, sentence.replace(/\.\s*$/, ''), lines, { section: kind, phaseId });
      },
      table: (table) => {
        for (const row of table.rows)
          if (row.text !== '')
            mapSignal(state, signalRowText(table, row), row.lines, { section: kind, phaseId });
      },
    },
    state.ledger,
  );
  for (const child of section.children) {
    const childKind = sectionKindOf(child.title);
    mapSignals(
      state,
      child,
      childKind === 'guardrails' ? 'guardrails' : childKind === 'metrics' ? 'metrics' : kind,
      phaseId,
    );
    mapHeading(state, child);
  }
}

/** A sentence that says what a breach does, so it is a rule even without a number. */
const BREACH_VERB =
  /\b(?:pauses?|halts?|stops?|aborts?|rolls?\s+(?:\w+\s+)?back|reverts?|freezes?|pulls?)\b(?!\s+(?:below|above))/i;

/**
 * A guardrail table row (Metric | Condition | Window | Action) read as the sentence it stands for:
 * "export_mismatch_count > 0 for 1 hour: roll back". Columns are told apart by their header's meaning.
 */
function signalRowText(table: TableView, row: Entry): string {
  const cells = row.cells ?? {};
  const column = (pattern: RegExp) => table.header.find((name) => pattern.test(name) && cells[name]);
  const metric = column(/metric|signal|measure|what|guardrail|indicator|slo|sli/i);
  const condition = column(/condition|threshold|limit|when|trigger|breach|value/i);
  const window = column(/window|duration|period|for\b|over\b|sustain/i);
  const action = column(/action|response|then|do\b|effect|consequence/i);
  if (!metric || !condition) return row.text;
  const used = new Set([metric, condition, window, action]);
  const others = table.header.filter((name) => !used.has(name) && cells[name]).map((name) => cells[name]);
  const windowText = window ? cells[window] : '';
  return [
    `${cells[metric]} ${cells[condition]}`,
    windowText ? (/^\d/.test(windowText) ? ` for ${windowText}` : ` ${windowText}`) : '',
    action ? `: ${cells[action]}` : '',
    ...others.map((text) => ` (${text})`),
  ].join('');
}

function mapSettings(state: ImportState, section: Section): void {
  walkBlocks(
    section.blocks,
    { entry: (entry) => void mapRetention(state, entry.text, entry.lines) },
    state.ledger,
  );
}

/** "## Rollout stages" holding sub-headings, a list of stages with nested details, or a table of stages. */
function mapPhasesContainer(state: ImportState, section: Section): void {
  walkBlocks(
    section.blocks,
    {
      entry: (entry) => {
        const [title, summary] = entry.label ? [entry.label, entry.rest] : splitSummary(entry.text);
        const context = addPhase(state, title, entry.lines);
        if (summary) mapPhaseSummary(context, summary, entry.lines);
        for (const child of entry.children) mapPhaseEntry(context, child, undefined);
      },
      table: (table) => mapPhaseTable(state, table),
      paragraph: (text, lines) => mapStageSentences(state, text, lines),
    },
    state.ledger,
  );
  for (const child of section.children) mapPhaseSection(state, child);
  mapHeading(state, section, 'phases');
}

/**
 * "P0 staging, 24h min, `gw3_enabled`=true": the name, then clauses that say what the stage holds. A comma
 * that only continues the name ("production, one region (4 clusters)") is kept.
 */
function splitSummary(text: string): [string, string | undefined] {
  // "Replica canary — 1 replica, min 24h.": a spaced dash after the name opens the details, when they read as such.
  const dash = /\s[—–-]\s/.exec(text);
  if (dash && !/\(/.test(text)) {
    const rest = text
      .slice(dash.index + dash[0].length)
      .replace(/\.\s*$/, '')
      .trim();
    const [first] = rest.split(/\s*[,;]\s*/);
    if (isPhaseClause(first)) return [text.slice(0, dash.index).trim(), rest];
  }
  const comma = /,(?![^(]*\))/.exec(text);
  // "Wave 3 — production, one region (4 clusters, 1 week)": the details are in the parentheses.
  if (!comma || /\(/.test(text.slice(0, comma.index)) || /\)\s*$/.test(text)) return [text, undefined];
  const rest = text.slice(comma.index + 1).trim();
  const readable = rest.split(/\s*[,;]\s*/).some((clause) => isPhaseClause(clause));
  return readable ? [text.slice(0, comma.index), rest] : [text, undefined];
}

/** "Flag `x` is on from Canary onwards; `y` goes off at Full.": flag states for the stages a sentence names. */
function mapStageSentences(state: ImportState, text: string, lines: Lines): void {
  for (const clause of text.split(/\s*;\s*|(?<=[.!?])\s+/)) {
    // "Before Phased 2, the Payments PM must approve.": a gate of the stage the sentence names.
    const gate = /^((?:before|after|in|during|at|for)\s+[^,]{1,40}),\s*(.+)$/i.exec(clause);
    const gated = gate && readApproval(gate[2]) ? phaseRefOf(state, gate[1]) : undefined;
    if (gate && gated !== undefined) {
      mapPhaseEntry(
        phaseContextOf(state, gated),
        { text: gate[2], lines, rest: gate[2], checked: null, children: [] },
        'approvals',
      );
      continue;
    }
    const { states } = readFlagStates(clause);
    const span = states.length > 0 ? phaseSpanOf(state, clause) : undefined;
    for (const at of span ?? []) {
      const phase = state.plan.phases[at];
      for (const { key, value } of states) phase.flags[key] = value;
      state.ledger.map(lines, `phases[${at}].flags`);
    }
  }
}

function mapPhaseTable(state: ImportState, table: TableView): void {
  const nameAt = Math.max(
    table.header.findIndex((name) => /phase|stage|name|wave|ring|step/i.test(name)),
    0,
  );
  for (const row of table.rows) {
    const cells = table.header.map((name) => row.cells?.[name] ?? '');
    const name = cells[nameAt];
    if (!name) continue;
    const context = addPhase(state, name, row.lines);
    table.header.forEach((header, index) => {
      if (index === nameAt || !cells[index]) return;
      const part = phasePartOf(header) ?? (/week|day|month/i.test(header) ? 'duration' : undefined);
      for (const piece of cells[index].split(/\s*;\s*/))
        mapPhaseEntry(
          context,
          { text: piece, rest: piece, lines: row.lines, checked: null, children: [] },
          part ?? 'description',
        );
    });
  }
}
