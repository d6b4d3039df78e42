import type {
  AudienceLimit,
  ChecklistItem,
  Communication,
  FlagValue,
  Guardrail,
  RolloutPlan,
  StepAction,
  TriggerAction,
} from './plan.schema';

/**
 * One thing a plan says, in a fixed lower-case wording, and the plan element it belongs to (`path`, in the
 * importer ledger's syntax: `phases[1].checklist[3]`, `rollback.levels[0].steps[2]`, `metadata`).
 *
 * The same wording serves the import report (what each source line became), the import corpus (expected
 * facts per document) and any reader comparing two plans, so it is defined once here. Phases and rollback
 * levels are numbered from 1 by position; durations are the plan's ISO strings; flag values are written bare
 * (`true`, `0.5`, `blue`). A rollback action names its level by number too (`rollback level 2`), as the
 * documents do ("→ Level 2"); a rollback without a level is just `rollback`.
 */
export interface Fact {
  path: string;
  text: string;
}

export function factsOf(plan: RolloutPlan): Fact[] {
  const facts: Fact[] = [];
  const add = (path: string, text: string) => facts.push({ path, text });
  const levelNumber = levelNumbers(plan);
  const phaseNumber = new Map(plan.phases.map((phase, i) => [phase.id, i + 1]));

  add('metadata', `name ${plan.metadata.name}`);
  plan.flags.forEach((flag, i) => add(`flags[${i}]`, `flag ${flag.key} default ${valueText(flag.default)}`));

  add('phases', `phases ${plan.phases.length}`);
  plan.phases.forEach((phase, i) => {
    const n = i + 1;
    const path = `phases[${i}]`;
    add(path, `phase ${n} "${phase.name}"`);
    if (phase.duration?.min) add(`${path}.duration`, `phase ${n} min ${phase.duration.min}`);
    if (phase.duration?.max) add(`${path}.duration`, `phase ${n} max ${phase.duration.max}`);
    phase.audience?.limits.forEach((limit, j) =>
      add(`${path}.audience.limits[${j}]`, `phase ${n} audience ${amountText(limit.max, limit.unit)}`),
    );
    for (const [key, value] of Object.entries(phase.flags))
      add(`${path}.flags.${key}`, `phase ${n} flag ${key}=${valueText(value)}`);
    phase.checklist.forEach((item, j) =>
      itemFacts(n, item).forEach((text) => add(`${path}.checklist[${j}]`, text)),
    );
    if (phase.owner) add(`${path}.owner`, `phase ${n} owner ${phase.owner}`);
    phase.communications.forEach((message, j) =>
      add(`${path}.communications[${j}]`, `message in phase ${n}${recipientText(message)}`),
    );
  });

  plan.guardrails.forEach((guardrail, i) =>
    guardrailFacts(guardrail, levelNumber, phaseNumber).forEach((text) => add(`guardrails[${i}]`, text)),
  );
  plan.manualTriggers.forEach((trigger, i) =>
    add(`manualTriggers[${i}]`, `trigger "${trigger.title}" ${actionText(trigger.action, levelNumber)}`),
  );

  plan.rollback.levels.forEach((level, i) => {
    const n = i + 1;
    const path = `rollback.levels[${i}]`;
    add(path, `rollback level ${n} "${level.title}"`);
    if (level.budget) add(path, `rollback level ${n} budget ${level.budget}`);
    level.steps.forEach((step, j) =>
      stepFacts(step.action).forEach((text) =>
        add(`${path}.steps[${j}]`, `rollback level ${n} step ${text}`),
      ),
    );
  });

  plan.reviews.forEach((review, i) => add(`reviews[${i}]`, `review after ${review.after}`));
  plan.communications.forEach((message, i) =>
    add(`communications[${i}]`, `message${recipientText(message)}`),
  );
  // Beyond the shared list: without these, a metric or a retention line would read as not understood.
  plan.metrics.forEach((metric, i) => add(`metrics[${i}]`, `metric ${metric.name}`));
  if (plan.settings.auditRetention) add('settings', `audit retention ${plan.settings.auditRetention}`);
  return facts;
}

/** The facts of the element at `path` (and of the elements inside it), in `factsOf` order. */
export function factsAt(facts: readonly Fact[], path: string): Fact[] {
  return facts.filter(
    (fact) => fact.path === path || fact.path.startsWith(`${path}.`) || fact.path.startsWith(`${path}[`),
  );
}

/**
 * Where the element at `path` (or, when it has none, its nearest enclosing element) came from in the
 * document: `line` is the element's own `source.line`, `nearest` the closest one on the way to it.
 */
export function sourceAt(plan: RolloutPlan, path: string): { line?: number; nearest?: number } {
  let node: unknown = plan;
  let nearest: number | undefined;
  let line: number | undefined;
  for (const [, key, index] of path.matchAll(/\.?([^.[\]]+)|\[(\d+)\]/g)) {
    node = isRecord(node) ? node[key ?? Number(index)] : undefined;
    line = isRecord(node) && isRecord(node.source) ? (node.source.line as number | undefined) : undefined;
    if (line !== undefined) nearest = line;
    if (node === undefined) break;
  }
  return { line, nearest };
}

function isRecord(value: unknown): value is Record<string | number, unknown> {
  return typeof value === 'object' && value !== null;
}

function itemFacts(n: number, item: ChecklistItem): string[] {
  const out: string[] = [];
  if (item.kind === 'approval') {
    if (item.roles?.length) for (const role of item.roles) out.push(`phase ${n} approval by ${role}`);
    else out.push(`phase ${n} approval`);
  }
  if (item.sustain) out.push(`phase ${n} sustain ${item.sustain}`);
  if (item.every) out.push(`phase ${n} check-in every ${item.every}`);
  if (item.deadline) out.push(`phase ${n} deadline ${item.deadline}`);
  out.push(`phase ${n} item ${item.kind}`);
  return out;
}

function guardrailFacts(
  guardrail: Guardrail,
  levelNumber: Map<string, number>,
  phaseNumber: Map<string, number>,
): string[] {
  const { metric } = guardrail;
  const out = [
    `guardrail ${metric} ${guardrail.operator} ${amountText(guardrail.threshold, guardrail.unit)}`,
  ];
  if (guardrail.window) out.push(`guardrail ${metric} window ${guardrail.window}`);
  out.push(`guardrail ${metric} ${actionText(guardrail.action, levelNumber)}`);
  for (const id of guardrail.phases ?? [])
    out.push(`guardrail ${metric} in phase ${phaseNumber.get(id) ?? id}`);
  return out;
}

function stepFacts(action: StepAction): string[] {
  if (action.type !== 'set-flags') return [action.type];
  return [
    'set-flags',
    ...Object.entries(action.flags).map(([key, value]) => `set-flags ${key}=${valueText(value)}`),
  ];
}

function actionText(action: TriggerAction, levelNumber: Map<string, number>): string {
  if (action.type !== 'rollback') return action.type;
  if (action.level === undefined) return 'rollback';
  return `rollback level ${levelNumber.get(action.level) ?? action.level}`;
}

function levelNumbers(plan: RolloutPlan): Map<string, number> {
  return new Map(plan.rollback.levels.map((level, i) => [level.id, i + 1]));
}

function recipientText(message: Communication): string {
  const to = message.audience ?? message.channel;
  return to === undefined ? '' : ` to ${to}`;
}

/** `10%`, `3 regions`, `800 ms`, `5`: a percent sign is glued, any other unit follows a space. */
function amountText(amount: number, unit: AudienceLimit['unit']): string {
  if (unit === undefined || unit === '') return String(amount);
  return unit === '%' ? `${amount}%` : `${amount} ${unit}`;
}

function valueText(value: FlagValue): string {
  return String(value);
}
