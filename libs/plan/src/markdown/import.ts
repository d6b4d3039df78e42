import { documentProblem } from '../plan.document';
import { factsOf, sourceAt } from '../plan.facts';
import type { PlanError } from '../plan.errors';
import type { RolloutPlan } from '../plan.schema';
import { validatePlan } from '../plan.validate';
import { walkBlocks } from './blocks';
import { mapCommunications, rangeOf } from './communication.mapper';
import { mapFlags, registerMissingFlags } from './flags.mapper';
import { nameFromFile } from './import.name';
import { ImportState } from './import.state';
import type { ImportNote, MappedLine, UnmappedLine } from './ledger';
import { addPhase, mapPhaseEntry, mapPhaseSection } from './phase.mapper';
import { slugify, tidy } from './readers/text';
import { mapReviews } from './review.mapper';
import { mapRollback } from './rollback.mapper';
import { mapRetention } from './settings.mapper';
import { mapSignal, resolveMetricNames, resolveRollbackLevels } from './signal.mapper';
import { linesOf, parseMarkdown, sectionsOf, type Section, type TableView } from './tree';
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
  const top = sectionsOf(parseMarkdown(text));
  const [first] = top.children;
  const titled = first && first.depth === 1 && top.blocks.length === 0;
  if (titled) mapTitle(state, first);

  // Phases first, so communications, flag tables and guardrails can refer to them.
  const later: { kind: SectionKind; section: Section }[] = [];
  const visit = (section: Section, inherited?: SectionKind) => {
    const kind = inherited ?? sectionKindOf(section.title);
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
        const context = addPhase(state, entry.label ?? entry.text, entry.lines);
        if (entry.label && entry.rest)
          mapPhaseEntry(context, { ...entry, label: undefined, text: entry.rest, children: [] }, undefined);
        for (const child of entry.children) mapPhaseEntry(context, child, undefined);
      },
      table: (table) => mapPhaseTable(state, table),
    },
    state.ledger,
  );
  for (const child of section.children) mapPhaseSection(state, child);
  mapHeading(state, section, 'phases');
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
