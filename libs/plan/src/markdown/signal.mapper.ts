import type { NoDataPolicy, TriggerAction } from '../plan.schema';
import { sourceOf, type ImportState } from './import.state';
import { phaseRefOf } from './phase.refs';
import { readBreachAction, readLevelNumber } from './readers/action.reader';
import { readCondition } from './readers/comparison.reader';
import { metricName, slugify, stripParentheticals, tidy } from './readers/text';
import type { Lines } from './tree';

/** Maps guardrail, alert and metric lines: measurable conditions become guardrails, the rest manual triggers. */

export interface SignalOptions {
  /** guardrails: the line is a reason to act; metrics: the line names something to watch. */
  section: 'guardrails' | 'metrics';
  phaseId?: string;
}

export function mapSignal(state: ImportState, text: string, lines: Lines, options: SignalOptions): void {
  const { plan } = state;
  const condition = readCondition(text);
  const phaseId = options.phaseId ?? scopedPhaseOf(state, text);
  if (condition) {
    state.add(
      plan.guardrails,
      {
        id: state.ids.triggers.take(slugify(condition.metric.replace(/_/g, ' '))),
        title: condition.title,
        metric: condition.metric,
        operator: condition.operator,
        threshold: condition.threshold,
        ...(condition.unit ? { unit: condition.unit } : {}),
        ...(condition.window ? { window: condition.window, mode: condition.mode } : {}),
        ...(phaseId ? { phases: [phaseId] } : {}),
        action: actionOf(state, text),
        ...noDataOf(text),
        source: sourceOf(lines),
      },
      'guardrails',
      lines,
    );
  } else if (options.section === 'guardrails') {
    const title = tidy(text);
    const name = stripParentheticals(title).split(
      /\s(?:causing|leading|resulting|that|which|when|with|where|due)\b/i,
    )[0];
    state.add(
      plan.manualTriggers,
      {
        id: state.ids.triggers.take(slugify(name, 4)),
        title,
        action: actionOf(state, text),
        source: sourceOf(lines),
      },
      'manualTriggers',
      lines,
    );
  } else {
    state.add(
      plan.metrics,
      { name: metricName(text), title: tidy(text), source: sourceOf(lines) },
      'metrics',
      lines,
    );
  }
}

/** "Applies to step 4 only.", "During the public beta only, we also roll back if …": one stage's guardrail. */
const ONLY =
  /\b(?:during|in|for|to|at)\s+(?:the\s+)?([\w%-]+(?:\s+[\w%-]+){0,3}?)\s+only\b|\bonly\s+(?:during|in|for|at)\s+(?:the\s+)?([\w%-]+(?:\s+[\w%-]+){0,3}?)(?=\s*[,.;:)]|\s*$)/i;

function scopedPhaseOf(state: ImportState, text: string): string | undefined {
  const match = ONLY.exec(text);
  if (!match) return undefined;
  const phrase = (match[1] ?? match[2]).trim();
  // A stage told in prose has no name to match: the words on its opening line name it.
  const told = state.plan.phases
    .map((phase, i) => ({ i, line: state.lines[(phase.source?.line ?? 0) - 1] ?? '' }))
    .filter(({ line }) => line.toLowerCase().includes(phrase.toLowerCase()));
  const at = phaseRefOf(state, phrase) ?? (told.length === 1 ? told[0].i : undefined);
  return at === undefined ? undefined : state.plan.phases[at].id;
}

/**
 * What no data means, when the line says: "no data = pause", "missing data counts as a breach",
 * "treat no data as inconclusive". Absent otherwise (inconclusive).
 */
export function noDataOf(text: string): { noData?: NoDataPolicy } {
  const match =
    /\b(?:no|missing)\s+data\s*(?:[:=→]|->|means|is|counts\s+as|treated\s+as)?\s*(?:an?\s+)?(inconclusive|pause|breach)\b/i.exec(
      text,
    ) ?? /\btreat\s+(?:no|missing)\s+data\s+as\s+(?:an?\s+)?(inconclusive|pause|breach)\b/i.exec(text);
  return match ? { noData: match[1].toLowerCase() as NoDataPolicy } : {};
}

/** What a breach does: rollback unless the line's verbs say pause or notify; the level is chosen at the end. */
function actionOf(state: ImportState, text: string): TriggerAction {
  const read = readBreachAction(text);
  if (read.type !== 'rollback') return read;
  const action: Extract<TriggerAction, { type: 'rollback' }> = { type: 'rollback' };
  state.levelHints.push({ action, hint: text });
  return action;
}

/** A guardrail's metric names a declared metric by its prefix ("payment success" → payment_success_rate). */
export function resolveMetricNames(state: ImportState): void {
  const declared = state.plan.metrics.map((metric) => metric.name);
  for (const guardrail of state.plan.guardrails) {
    if (declared.includes(guardrail.metric)) continue;
    const candidates = declared.filter((name) => name.startsWith(`${guardrail.metric}_`));
    if (candidates.length === 1) guardrail.metric = candidates[0];
  }
}

/** Rollback actions go to the level their line names (by title, id or number), else to the first (quickest). */
export function resolveRollbackLevels(state: ImportState): void {
  const levels = state.plan.rollback.levels;
  for (const { action, hint } of state.levelHints) {
    const words = hint.toLowerCase();
    const number = readLevelNumber(hint);
    // A number named ("→ Level 2") wins over a title that happens to be one of the line's words.
    const named =
      (number === undefined
        ? undefined
        : (levels.find((level) => state.levelNumbers.get(level.id) === number) ?? levels[number - 1])) ??
      levels.find(
        (level) => words.includes(level.title.toLowerCase()) || new RegExp(`\\b${level.id}\\b`).test(words),
      );
    const level = named ?? levels[0];
    if (level) action.level = level.id;
  }
}
