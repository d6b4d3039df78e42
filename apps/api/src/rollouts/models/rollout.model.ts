import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MetricSource } from '../dto/start-rollout.input';

export enum RolloutStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  WAITING_FOR_SIGN_OFF = 'WAITING_FOR_SIGN_OFF',
  PAUSED = 'PAUSED',
  ROLLING_BACK = 'ROLLING_BACK',
  ROLLED_BACK = 'ROLLED_BACK',
  ROLLBACK_FAILED = 'ROLLBACK_FAILED',
  IN_REVIEW = 'IN_REVIEW',
  COMPLETED = 'COMPLETED',
  ABORTED = 'ABORTED',
  TERMINATED = 'TERMINATED',
}
registerEnumType(RolloutStatus, {
  name: 'RolloutStatus',
  description: 'Where a rollout stands.',
  valuesMap: {
    ROLLBACK_FAILED: {
      description:
        'A rollback step could not be done: the workflow stays open until the step is retried (retryRollbackStep) or done by hand (resolveRollbackStep).',
    },
    TERMINATED: {
      description:
        'Its workflow was terminated (or timed out) in Temporal, around the engine: found by the reconciler, in lists within a minute.',
    },
  },
});

export enum PhaseStatus {
  PENDING = 'PENDING',
  ENTERING = 'ENTERING',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(PhaseStatus, {
  name: 'PhaseStatus',
  valuesMap: {
    ENTERING: {
      description:
        'Its flags and messages are applied and its workflow started; not yet current (actions go to it once RUNNING).',
    },
  },
});

export enum ChecklistItemStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
  APPROVED = 'APPROVED',
  SKIPPED = 'SKIPPED',
}
registerEnumType(ChecklistItemStatus, { name: 'ChecklistItemStatus' });

export enum RollbackStepStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(RollbackStepStatus, {
  name: 'RollbackStepStatus',
  valuesMap: {
    RESOLVED: { description: 'Failed, then done by hand (resolveRollbackStep): see resolvedBy.' },
  },
});

export enum ReviewStatus {
  OPEN = 'OPEN',
  DUE = 'DUE',
  DONE = 'DONE',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ReviewStatus, {
  name: 'ReviewStatus',
  description: 'A post-launch review: not yet due, due, done, or cancelled (the rollout did not launch).',
});

@ObjectType({ description: 'One item of a phase checklist.' })
export class ChecklistItem {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field({ description: 'manual, approval, automated, sustained … as the plan says.' }) kind: string;
  @Field(() => [String], { description: 'Roles that may act on the item (empty: anyone).' }) roles: string[];
  @Field(() => ChecklistItemStatus) status: ChecklistItemStatus;
  @Field({ nullable: true, description: 'Who did the work.' }) doneBy?: string;
  @Field({ nullable: true }) doneAt?: Date;
  @Field({ nullable: true }) approvedBy?: string;
  @Field({ nullable: true }) approvedAt?: Date;
  @Field({ nullable: true }) note?: string;
  @Field({ nullable: true }) evidence?: string;
  @Field({ nullable: true }) skipJustification?: string;
  @Field({ nullable: true, description: 'For a sustained condition: when it will have held long enough.' })
  sustainedDueAt?: Date;
}

@ObjectType({ description: "A phase's gate: the sign-off that lets the rollout leave it." })
export class Gate {
  @Field({ nullable: true }) signedBy?: string;
  @Field({ nullable: true }) signedAt?: Date;
  @Field({ nullable: true }) note?: string;
}

@ObjectType()
export class Phase {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => PhaseStatus) status: PhaseStatus;
  @Field({ nullable: true }) enteredAt?: Date;
  @Field({ nullable: true }) completedAt?: Date;
  @Field({ nullable: true, description: 'The soak: the phase may not be left before this time.' })
  soakUntil?: Date;
  @Field(() => [ChecklistItem], {
    description: 'The checklist as the phase workflow holds it (current and finished phases; empty before).',
  })
  checklist: ChecklistItem[];
  @Field(() => Gate, { nullable: true }) gate?: Gate;
}

@ObjectType({ description: 'A feature flag value as this rollout last wrote it to the store.' })
export class RolloutFlag {
  @Field() key: string;
  @Field({ description: 'The value as JSON (true, false, "variant", 25 …).' }) valueJson: string;
}

@ObjectType({ description: 'A timer the rollout still waits on.' })
export class PendingTimer {
  @Field({ description: 'soak, review, rollback-budget or sustained.' }) kind: string;
  @Field() summary: string;
  @Field() dueAt: Date;
}

@ObjectType({ description: 'A guardrail that breached, and what the engine did about it.' })
export class Breach {
  @Field() phaseId: string;
  @Field() guardrailId: string;
  @Field() action: string;
  @Field() reason: string;
  @Field(() => Float, { nullable: true }) value?: number;
  @Field() at: Date;
}

export enum GuardrailOutcome {
  OK = 'OK',
  BREACH = 'BREACH',
  INCONCLUSIVE = 'INCONCLUSIVE',
  NO_DATA = 'NO_DATA',
}
registerEnumType(GuardrailOutcome, {
  name: 'GuardrailOutcome',
  description: 'How a guardrail stands on its readings.',
  valuesMap: {
    OK: { description: 'Its readings cover the window and are within the threshold.' },
    BREACH: { description: 'Its readings cross the threshold (for the whole window, when it has one).' },
    INCONCLUSIVE: {
      description: 'Readings flow but do not yet cover the window (a phase just entered, a past gap).',
    },
    NO_DATA: {
      description:
        'The metric has no current value (no series, a failed query, no catalogue entry, no reading within two cadences): never healthy. See noData for why and what it means; after a few cadences one message goes to the escalation channel.',
    },
  },
});

@ObjectType({ description: 'Why a guardrail has no data, and what that means for the rollout.' })
export class GuardrailNoData {
  @Field({
    description:
      'no-series (the query answered none), query-failed, unmapped (no METRIC_CATALOGUE entry), unit (its unit cannot be converted), or no-readings (nothing within two cadences).',
  })
  cause: string;
  @Field({ description: 'As people read it: "the query of error_rate answered no series".' }) detail: string;
  @Field({
    description:
      "The guardrail's noData policy: inconclusive (the default: no action), pause (the rollout pauses) or breach (its trigger acts).",
  })
  policy: string;
}

@ObjectType({ description: 'How the rollout reads its guardrail metrics (parameters.metrics at start).' })
export class RolloutMetrics {
  @Field(() => MetricSource) source: MetricSource;
  @Field(() => Float, { description: 'How often Prometheus is read (and pushed readings are expected).' })
  cadenceSeconds: number;
}

@ObjectType({ description: 'A guardrail watching the current phase, as it stands now.' })
export class GuardrailStatus {
  @Field(() => ID) id: string;
  @Field({ nullable: true }) title?: string;
  @Field() metric: string;
  @Field({ description: 'As people read it: "error_rate > 5% for 5 minutes".' }) condition: string;
  @Field(() => GuardrailOutcome, {
    description:
      'OK, BREACH, INCONCLUSIVE (its window not yet covered by readings) or NO_DATA (no current value: see noData).',
  })
  outcome: GuardrailOutcome;
  @Field(() => GuardrailNoData, {
    nullable: true,
    description:
      'Why its metric has no data, when it has none (NO_DATA, or BREACH under a noData: breach policy).',
  })
  noData?: GuardrailNoData;
  @Field(() => Float, {
    nullable: true,
    description: 'The value compared with the threshold: the latest reading or the window average.',
  })
  value?: number;
  @Field() reason: string;
  @Field({ description: 'Whether it has breached in this phase (it acts once per phase).' })
  breached: boolean;
  @Field(() => Float, { nullable: true, description: 'The latest reading of its metric (null: no data).' })
  latestValue?: number;
  @Field({ nullable: true }) latestAt?: Date;
  @Field(() => Int, { description: 'Readings of the metric kept for its window.' }) readings: number;
}

@ObjectType()
export class RollbackStep {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field({ description: 'compensation (undoes a forward side effect) or level (a step of the plan).' })
  source: string;
  @Field(() => RollbackStepStatus) status: RollbackStepStatus;
  @Field({ nullable: true }) error?: string;
  @Field({ nullable: true }) finishedAt?: Date;
  @Field({ nullable: true, description: 'Who did the step by hand (RESOLVED).' }) resolvedBy?: string;
  @Field({ nullable: true, description: 'What they did (RESOLVED).' }) note?: string;
  @Field({ nullable: true, description: 'A link or reference proving it (RESOLVED).' }) evidence?: string;
}

@ObjectType()
export class RollbackProgress {
  @Field({ nullable: true }) level?: string;
  @Field() reason: string;
  @Field() requestedBy: string;
  @Field() startedAt: Date;
  @Field({ nullable: true }) budgetEndsAt?: Date;
  @Field({ nullable: true }) finishedAt?: Date;
  @Field(() => [RollbackStep]) steps: RollbackStep[];
}

@ObjectType({ description: 'A post-launch review (week 2, week 4, month 3 …).' })
export class Review {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field(() => ReviewStatus) status: ReviewStatus;
  @Field({ nullable: true }) dueAt?: Date;
  @Field({ nullable: true }) completedBy?: string;
  @Field({ nullable: true }) completedAt?: Date;
  @Field({ nullable: true, description: 'When it was cancelled (the rollout did not launch).' })
  cancelledAt?: Date;
  @Field({ nullable: true }) note?: string;
}

@ObjectType({ description: 'A rollout as its workflow reports it.' })
export class Rollout {
  @Field(() => ID) id: string;
  @Field({ description: "The plan's name." }) plan: string;
  @Field({ nullable: true, description: 'The plan version this rollout runs (<name>@<version>).' })
  planVersionId?: string;
  @Field(() => Int, { nullable: true }) planVersion?: number;
  @Field({ nullable: true }) title?: string;
  @Field(() => RolloutStatus) status: RolloutStatus;
  @Field({ nullable: true, description: 'The phase the rollout is in.' }) currentPhase?: string;
  @Field() startedBy: string;
  @Field() startedAt: Date;
  @Field({ nullable: true }) completedAt?: Date;
  @Field(() => [Phase]) phases: Phase[];
  @Field(() => [RolloutFlag]) flags: RolloutFlag[];
  @Field(() => [PendingTimer], { description: 'Timers still to fire, soonest first.' })
  timers: PendingTimer[];
  @Field(() => [GuardrailStatus], {
    description:
      'The guardrails watching the current phase, with their latest readings (empty between phases).',
  })
  guardrails: GuardrailStatus[];
  @Field(() => [Breach]) breaches: Breach[];
  @Field(() => RollbackProgress, { nullable: true }) rollback?: RollbackProgress;
  @Field(() => [Review]) reviews: Review[];
  @Field(() => RolloutMetrics, {
    nullable: true,
    description:
      'How its guardrails read their metrics: the source and cadence chosen at start (null for rollouts not started through the API).',
  })
  metrics?: RolloutMetrics;
  @Field({ description: 'The Temporal workflow ID (rollout-<id>).' }) workflowId: string;
  @Field({ description: 'Link to the workflow in the Temporal Web UI.' }) webUiUrl: string;
}

@ObjectType({ description: 'A rollout as lists show it (from the projection; no workflow call).' })
export class RolloutSummary {
  @Field(() => ID) id: string;
  @Field() plan: string;
  @Field(() => Int, { nullable: true }) planVersion?: number;
  @Field({ nullable: true }) title?: string;
  @Field(() => RolloutStatus) status: RolloutStatus;
  @Field({ nullable: true }) currentPhase?: string;
  @Field() startedAt: Date;
  @Field() updatedAt: Date;
  @Field({ nullable: true }) completedAt?: Date;
  @Field() workflowId: string;
}

@ObjectType()
export class RolloutEdge {
  @Field() cursor: string;
  @Field(() => RolloutSummary) node: RolloutSummary;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field({ nullable: true }) endCursor?: string;
}

@ObjectType()
export class RolloutConnection {
  @Field(() => [RolloutEdge]) edges: RolloutEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}
