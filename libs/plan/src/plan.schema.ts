import { z } from 'zod';
import { durationProblem, durationToMillis } from './duration';
import { PlanMessages as M } from './plan.messages';

/**
 * The canonical rollout plan: plain data, one source of truth for its TypeScript types (`z.infer`).
 * Objects are strict so a misspelt key is an error rather than a silently ignored setting.
 */

const DURATION_MESSAGES = {
  format: M.DURATION_FORMAT,
  negative: M.DURATION_NEGATIVE,
  zero: M.DURATION_ZERO,
  'too-long': M.DURATION_TOO_LONG,
} as const;

export const IsoDurationSchema = z.string().superRefine((value, ctx) => {
  const problem = durationProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: DURATION_MESSAGES[problem] });
});

/** Where an element came from in the imported document. */
export const SourceSchema = z.strictObject({ line: z.number().int().positive() });

export const IdSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: M.ID_FORMAT });
export const FlagKeySchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, { message: M.FLAG_KEY_FORMAT });
export const MetricNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_:.]*$/, { message: M.METRIC_FORMAT });
export const FlagValueSchema = z.union([z.boolean(), z.number(), z.string()]);
const Text = z.string().trim().min(1);

export const FlagSchema = z.strictObject({
  key: FlagKeySchema,
  default: FlagValueSchema,
  description: Text.optional(),
  source: SourceSchema.optional(),
});

export const AudienceLimitSchema = z.strictObject({
  subject: Text,
  max: z.number().nonnegative(),
  unit: z.string().optional(),
  source: SourceSchema.optional(),
});

export const AudienceSchema = z.strictObject({
  description: Text.optional(),
  limits: z.array(AudienceLimitSchema).default([]),
  source: SourceSchema.optional(),
});

export const CHECKLIST_KINDS = ['manual', 'approval', 'check', 'sustained'] as const;

/** The shortest period a check-in may recur at: more often is noise, and a typo (PT1M for P1M) would flood. */
export const MIN_CHECK_IN_MS = 3_600_000;

export const ChecklistItemSchema = z
  .strictObject({
    id: IdSchema,
    title: Text,
    kind: z.enum(CHECKLIST_KINDS),
    roles: z.array(Text).optional(),
    sustain: IsoDurationSchema.optional(),
    /** A recurring check-in: while the phase runs, a reminder goes out once per period ("Daily check-ins"). */
    every: IsoDurationSchema.optional(),
    /** Measured from phase entry: if the item is not done (approved) by then, the escalation channel hears once. */
    deadline: IsoDurationSchema.optional(),
    source: SourceSchema.optional(),
  })
  .superRefine((item, ctx) => {
    if (item.kind === 'sustained' && !item.sustain)
      ctx.addIssue({ code: 'custom', path: ['sustain'], message: M.SUSTAIN_REQUIRED });
    if (item.kind !== 'sustained' && item.sustain)
      ctx.addIssue({ code: 'custom', path: ['sustain'], message: M.SUSTAIN_ONLY_FOR_SUSTAINED });
    const every = item.every ? durationToMillis(item.every) : undefined;
    if (every !== undefined && every < MIN_CHECK_IN_MS)
      ctx.addIssue({ code: 'custom', path: ['every'], message: M.EVERY_TOO_SHORT });
  });

export const CommunicationSchema = z.strictObject({
  audience: Text.optional(),
  channel: Text.optional(),
  message: Text,
  source: SourceSchema.optional(),
});

export const PhaseSchema = z.strictObject({
  id: IdSchema,
  name: Text,
  description: Text.optional(),
  owner: Text.optional(),
  /** Soak: the least time spent in the phase; `max` is optional. Absent = open-ended. */
  duration: z
    .strictObject({ min: IsoDurationSchema.optional(), max: IsoDurationSchema.optional() })
    .optional(),
  audience: AudienceSchema.optional(),
  /** Flag states applied on phase entry. */
  flags: z.record(FlagKeySchema, FlagValueSchema).default({}),
  checklist: z.array(ChecklistItemSchema).default([]),
  communications: z.array(CommunicationSchema).default([]),
  source: SourceSchema.optional(),
});

/** What a guardrail or a manual trigger does. `rollback` without a level runs only the compensations. */
export const TriggerActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('rollback'), level: IdSchema.optional() }),
  z.strictObject({ type: z.literal('pause') }),
  z.strictObject({ type: z.literal('notify'), channel: Text.optional() }),
]);

export const OPERATORS = ['>', '>=', '<', '<='] as const;

/**
 * What a guardrail's metric having no data (no series, a failing query, no entry in the metric catalogue)
 * means: `inconclusive` (the default: shown as NO_DATA, escalated if it lasts), `pause` the rollout, or
 * `breach` (the guardrail's own action).
 */
export const NO_DATA_POLICIES = ['inconclusive', 'pause', 'breach'] as const;

export const GuardrailSchema = z.strictObject({
  id: IdSchema,
  title: Text.optional(),
  metric: MetricNameSchema,
  operator: z.enum(OPERATORS),
  threshold: z.number(),
  unit: Text.optional(),
  /** Absent = evaluated on each sample. */
  window: IsoDurationSchema.optional(),
  /** sustained: breached on every sample for the window ("for 5 min"); aggregate: over the window ("over 15 minutes"). */
  mode: z.enum(['sustained', 'aggregate']).optional(),
  /** Phases the guardrail watches; absent = the whole rollout. */
  phases: z.array(IdSchema).optional(),
  action: TriggerActionSchema,
  /** What no data means for this guardrail; absent = inconclusive. */
  noData: z.enum(NO_DATA_POLICIES).optional(),
  source: SourceSchema.optional(),
});

export const ManualTriggerSchema = z.strictObject({
  id: IdSchema,
  title: Text,
  action: TriggerActionSchema,
  source: SourceSchema.optional(),
});

/** Each rollback step sets exactly one kind of action. */
export const StepActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('revert-deployment'), target: Text.optional() }),
  z.strictObject({ type: z.literal('set-flags'), flags: z.record(FlagKeySchema, FlagValueSchema) }),
  z.strictObject({
    type: z.literal('notify'),
    audience: Text.optional(),
    channel: Text.optional(),
    message: Text.optional(),
  }),
  z.strictObject({ type: z.literal('restore-backup'), target: Text.optional() }),
  z.strictObject({ type: z.literal('replay-dlq'), queue: Text.optional() }),
  z.strictObject({ type: z.literal('webhook'), url: z.url().optional() }),
  z.strictObject({ type: z.literal('manual') }),
]);

export const STEP_ACTION_TYPES = [
  'revert-deployment',
  'set-flags',
  'notify',
  'restore-backup',
  'replay-dlq',
  'webhook',
  'manual',
] as const;

export const RollbackStepSchema = z.strictObject({
  id: IdSchema,
  title: Text,
  action: StepActionSchema,
  source: SourceSchema.optional(),
});

export const RollbackLevelSchema = z.strictObject({
  id: IdSchema,
  title: Text,
  /** Time the level is expected to take. */
  budget: IsoDurationSchema.optional(),
  steps: z.array(RollbackStepSchema).min(1),
  source: SourceSchema.optional(),
});

export const ReviewSchema = z.strictObject({
  id: IdSchema,
  title: Text,
  /** Measured from the end of the last phase. */
  after: IsoDurationSchema,
  source: SourceSchema.optional(),
});

export const MetricSchema = z.strictObject({
  name: MetricNameSchema,
  title: Text,
  source: SourceSchema.optional(),
});

export const RolloutPlanSchema = z.strictObject({
  apiVersion: z.literal('rollout/v1'),
  kind: z.literal('RolloutPlan'),
  metadata: z.strictObject({
    name: IdSchema,
    title: Text.optional(),
    description: Text.optional(),
    source: SourceSchema.optional(),
  }),
  flags: z.array(FlagSchema).default([]),
  phases: z.array(PhaseSchema).min(1, { message: M.NO_PHASES }),
  metrics: z.array(MetricSchema).default([]),
  guardrails: z.array(GuardrailSchema).default([]),
  manualTriggers: z.array(ManualTriggerSchema).default([]),
  rollback: z
    .strictObject({ levels: z.array(RollbackLevelSchema).default([]), source: SourceSchema.optional() })
    .default({ levels: [] }),
  reviews: z.array(ReviewSchema).default([]),
  /** Communications not tied to one phase. */
  communications: z.array(CommunicationSchema).default([]),
  settings: z
    .strictObject({ auditRetention: IsoDurationSchema.optional(), source: SourceSchema.optional() })
    .default({}),
});

export type RolloutPlan = z.output<typeof RolloutPlanSchema>;
/** What a hand-written YAML plan may omit (defaults are filled in by validation). */
export type RolloutPlanInput = z.input<typeof RolloutPlanSchema>;
export type Flag = RolloutPlan['flags'][number];
export type FlagValue = z.output<typeof FlagValueSchema>;
export type Phase = RolloutPlan['phases'][number];
export type Audience = NonNullable<Phase['audience']>;
export type AudienceLimit = Audience['limits'][number];
export type ChecklistItem = Phase['checklist'][number];
export type ChecklistKind = ChecklistItem['kind'];
export type Communication = Phase['communications'][number];
export type Guardrail = RolloutPlan['guardrails'][number];
export type Operator = Guardrail['operator'];
export type NoDataPolicy = NonNullable<Guardrail['noData']>;
export type TriggerAction = Guardrail['action'];
export type ManualTrigger = RolloutPlan['manualTriggers'][number];
export type RollbackLevel = RolloutPlan['rollback']['levels'][number];
export type RollbackStep = RollbackLevel['steps'][number];
export type StepAction = RollbackStep['action'];
export type Review = RolloutPlan['reviews'][number];
export type Metric = RolloutPlan['metrics'][number];
export type Source = z.output<typeof SourceSchema>;
