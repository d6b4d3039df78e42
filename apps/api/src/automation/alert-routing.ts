import type { RolloutPlan, TriggerAction } from '../../../../libs/plan/src';
import type { Alert } from './alertmanager.payload';

/** What an alert asks of a rollout's plan: the trigger (or guardrail) it names, and its action. */
export interface AlertTarget {
  triggerId: string;
  kind: 'manual trigger' | 'guardrail';
  action: TriggerAction;
}

/**
 * The plan's manual trigger or guardrail an alert names: label `trigger` if set, else `alertname`, matched
 * against the ids (`error-rate`, `policy-engine-misconfiguration` …). Undefined when the plan has neither.
 */
export function targetOf(
  plan: Pick<RolloutPlan, 'manualTriggers' | 'guardrails'>,
  alert: Alert,
): AlertTarget | undefined {
  const name = alert.labels.trigger ?? alert.labels.alertname;
  if (!name) return undefined;
  const trigger = plan.manualTriggers.find((t) => t.id === name);
  if (trigger) return { triggerId: trigger.id, kind: 'manual trigger', action: trigger.action };
  const guardrail = plan.guardrails.find((g) => g.id === name);
  if (guardrail) return { triggerId: guardrail.id, kind: 'guardrail', action: guardrail.action };
  return undefined;
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
