import type { RolloutPlan, TriggerAction } from '../../../../libs/plan/src';
import type { Alert } from './alertmanager.payload';

// How an Alertmanager alert is routed, as pure functions (the service fetches, these decide):
//
// 1. `scopeOf`: which rollouts an alert may touch. Label `rollout` names one rollout; without it, label `plan`
//    names the live rollouts of that plan. An alert naming neither is refused: it never acts on "every rollout".
// 2. `checkRollout`: whether a named rollout can take the alert at all (it exists, has not ended, runs the
//    plan the `plan` label names, the alert is firing).
// 3. `chooseAction`: the plan's manual trigger or guardrail the alert names (label `trigger`, else `alertname`)
//    and its action, or why nothing is done.
// 4. `answerStatus`: the HTTP status of the whole batch.

/** What an alert asks of a rollout's plan: the trigger (or guardrail) it names, and its action. */
export interface AlertTarget {
  triggerId: string;
  kind: 'manual trigger' | 'guardrail';
  action: TriggerAction;
}

/** Which rollouts an alert names. */
export type AlertScope =
  | { kind: 'rollout'; rolloutId: string; plan?: string }
  | { kind: 'plan'; plan: string }
  | { kind: 'unnamed' };

/** Why an alert did nothing to a rollout, while nothing was wrong with the call. */
export type SkipReason =
  /** The alert is resolved: nothing to undo (resume or restart by hand). */
  | 'resolved'
  /** Label `rollout` names no rollout the engine knows. */
  | 'unknown-rollout'
  /** Label `plan` names a plan with no live rollout. */
  | 'no-live-rollout'
  /** Labels `rollout` and `plan` disagree: the rollout runs another plan. */
  | 'plan-mismatch'
  /** The rollout has ended (its actual final status is in the detail). */
  | 'ended'
  /** The rollout's plan has no manual trigger or guardrail of the alert's name. */
  | 'unknown-trigger'
  /** The trigger's action only notifies: alerts do not fire it. */
  | 'notify-only';

/** Why an alert is refused: it names no rollout and no plan (HTTP 422). */
export type RefusalReason = 'unnamed';

/** A rollout as the routing sees it (its projection row). */
export interface RolloutFacts {
  rolloutId: string;
  /** The plan's name (`metadata.name`). */
  plan: string;
  status: string;
}

export type Skip = { kind: 'skip'; reason: SkipReason; detail: string; triggerId?: string };
export type Act = {
  kind: 'act';
  action: 'rollback' | 'pause';
  level?: string;
  target: AlertTarget;
  /** The reason the rollback or pause carries. */
  reason: string;
};

/** The labels that name what an alert is for. */
export const ROLLOUT_LABEL = 'rollout';
export const PLAN_LABEL = 'plan';
export const TRIGGER_LABEL = 'trigger';

/** Which rollouts an alert names: label `rollout` (with `plan`, which must agree), else `plan`, else none. */
export function scopeOf(alert: Alert): AlertScope {
  const rolloutId = alert.labels[ROLLOUT_LABEL]?.trim();
  const plan = alert.labels[PLAN_LABEL]?.trim();
  if (rolloutId) return { kind: 'rollout', rolloutId, ...(plan && { plan }) };
  if (plan) return { kind: 'plan', plan };
  return { kind: 'unnamed' };
}

/** Statuses after which a rollout takes no action (TERMINATED is the projection's own). */
export function rolloutHasEnded(status: string, ended: readonly string[]): boolean {
  return ended.includes(status) || status === 'TERMINATED';
}

/**
 * Whether the rollout named can take this alert: undefined when it can, else why not. `facts` is the rollout
 * as known (undefined: the engine knows no such rollout); `ended` the statuses that end a rollout.
 */
export function checkRollout(
  alert: Alert,
  scope: AlertScope,
  rolloutId: string,
  facts: RolloutFacts | undefined,
  ended: readonly string[],
): Skip | undefined {
  if (!facts) return { kind: 'skip', reason: 'unknown-rollout', detail: `no rollout "${rolloutId}"` };
  if (scope.kind === 'rollout' && scope.plan && scope.plan !== facts.plan)
    return {
      kind: 'skip',
      reason: 'plan-mismatch',
      detail: `rollout ${rolloutId} runs plan ${facts.plan}, not ${scope.plan}`,
    };
  if (alert.status === 'resolved')
    return {
      kind: 'skip',
      reason: 'resolved',
      detail: 'resolved: nothing to undo (resume or restart by hand)',
    };
  if (rolloutHasEnded(facts.status, ended))
    return { kind: 'skip', reason: 'ended', detail: `rollout ${rolloutId} has ended (${facts.status})` };
  return undefined;
}

/**
 * The plan's manual trigger or guardrail an alert names: label `trigger` if set, else `alertname`, matched
 * against the ids (`error-rate`, `policy-engine-misconfiguration` …). Undefined when the plan has neither.
 */
export function targetOf(
  plan: Pick<RolloutPlan, 'manualTriggers' | 'guardrails'>,
  alert: Alert,
): AlertTarget | undefined {
  const name = triggerNameOf(alert);
  if (!name) return undefined;
  const trigger = plan.manualTriggers.find((t) => t.id === name);
  if (trigger) return { triggerId: trigger.id, kind: 'manual trigger', action: trigger.action };
  const guardrail = plan.guardrails.find((g) => g.id === name);
  if (guardrail) return { triggerId: guardrail.id, kind: 'guardrail', action: guardrail.action };
  return undefined;
}

/** The trigger name an alert carries: label `trigger`, else `alertname`. */
export function triggerNameOf(alert: Alert): string | undefined {
  return alert.labels[TRIGGER_LABEL] ?? alert.labels.alertname;
}

/** What a firing alert does on a rollout of `plan`: the trigger's rollback or pause, or why nothing. */
export function chooseAction(
  plan: Pick<RolloutPlan, 'manualTriggers' | 'guardrails'> & { metadata: { name: string } },
  alert: Alert,
): Act | Skip {
  const target = targetOf(plan, alert);
  if (!target)
    return {
      kind: 'skip',
      reason: 'unknown-trigger',
      detail: `plan ${plan.metadata.name} has no trigger or guardrail "${triggerNameOf(alert) ?? '(no alertname)'}"`,
    };
  const { action } = target;
  if (action.type === 'notify')
    return {
      kind: 'skip',
      reason: 'notify-only',
      triggerId: target.triggerId,
      detail: 'notify actions are not fired by alerts',
    };
  return {
    kind: 'act',
    action: action.type,
    ...(action.type === 'rollback' && action.level && { level: action.level }),
    target,
    reason: alertReason(alert, target),
  };
}

/** The reason a rollback or pause fired by an alert carries: which alert, and what it says. */
export function alertReason(alert: Alert, target: AlertTarget): string {
  const summary = alert.annotations.summary ?? alert.annotations.description;
  const name = alert.labels.alertname ?? target.triggerId;
  return `Alertmanager: ${name} firing (${target.kind} ${target.triggerId})${summary ? `: ${summary}` : ''}`.slice(
    0,
    500,
  );
}

/** How one alert ended on one rollout, as answered and audited. */
export type AlertOutcome =
  /** Carried out. */
  | 'rollback'
  | 'pause'
  /** Refused: by the API (the alert names no rollout or plan) or by the engine (the rollout cannot now). */
  | 'refused'
  /** Nothing to do (see the reason). */
  | 'skipped'
  /** The engine could not be reached or did not answer: worth sending again. */
  | 'failed';

/**
 * The HTTP status of a batch. 503 when any alert could not reach the engine: Alertmanager sends the whole
 * batch again, and the alerts already carried out are then refused by the engine (a second rollback of a
 * rolling-back rollout changes nothing). Else 422 when any alert names no rollout or plan (Alertmanager does
 * not retry a 4xx, and its log and `alertmanager_notifications_failed_total` show the misconfiguration); the
 * other alerts of that batch have still been handled, each as its own outcome says: one badly labelled alert
 * must not silence a well-labelled one grouped with it. Else 200.
 */
export function answerStatus(outcomes: { outcome: AlertOutcome; reason?: string }[]): 200 | 422 | 503 {
  if (outcomes.some((o) => o.outcome === 'failed')) return 503;
  if (outcomes.some((o) => o.outcome === 'refused' && o.reason === 'unnamed')) return 422;
  return 200;
}
