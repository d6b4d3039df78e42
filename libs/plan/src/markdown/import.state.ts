import type { PlanError } from '../plan.errors';
import type { Phase, RolloutPlan, TriggerAction } from '../plan.schema';
import { Ledger } from './ledger';
import { UniqueIds } from './readers/text';
import type { Lines, Section } from './tree';
import type { SectionKind } from './vocabulary';

/** What the mappers build up while walking one document. */
export class ImportState {
  readonly plan: RolloutPlan = {
    apiVersion: 'rollout/v1',
    kind: 'RolloutPlan',
    metadata: { name: 'rollout-plan' },
    flags: [],
    phases: [],
    metrics: [],
    guardrails: [],
    manualTriggers: [],
    rollback: { levels: [] },
    reviews: [],
    communications: [],
    settings: {},
  };
  readonly ledger: Ledger;
  readonly ids = {
    phases: new UniqueIds('phase'),
    triggers: new UniqueIds('guardrail'),
    levels: new UniqueIds('rollback'),
    reviews: new UniqueIds('review'),
  };
  private readonly checklistIds = new Map<Phase, UniqueIds>();
  /** Rollback actions whose level is chosen once every level is known, with the text that may name it. */
  readonly levelHints: { action: Extract<TriggerAction, { type: 'rollback' }>; hint: string }[] = [];
  /** The number a rollback level's heading gave it ("Level 2 — Stop dual writes", "L2 redeploy"), by level id. */
  readonly levelNumbers = new Map<string, number>();
  /** Plan-level sections met inside a phase, mapped after all phases exist. */
  readonly deferred: { kind: SectionKind; section: Section; phaseId?: string }[] = [];
  readonly errors: PlanError[] = [];

  constructor(readonly lines: readonly string[]) {
    this.ledger = new Ledger(lines);
  }

  checklistIdsOf(phase: Phase): UniqueIds {
    let ids = this.checklistIds.get(phase);
    if (!ids) this.checklistIds.set(phase, (ids = new UniqueIds('item')));
    return ids;
  }

  /** Appends an element, maps its lines to it, and returns its path. */
  add<T extends object>(list: T[], element: T, path: string, lines: Lines): string {
    list.push(element);
    const at = `${path}[${list.length - 1}]`;
    this.ledger.map(lines, at);
    return at;
  }
}

export function sourceOf(lines: Lines): { line: number } {
  return { line: Math.max(lines[0], 1) };
}
