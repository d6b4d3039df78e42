import { describeDuration, type RolloutPlan, type TriggerAction } from '../../../libs/plan/src';

/** A readable summary of a plan: what happens in which order, and what stops it. */
export function explainPlan(plan: RolloutPlan): string {
  const out: string[] = [];
  const d = describeDuration;
  out.push(`${plan.metadata.title ?? plan.metadata.name} (${plan.metadata.name})`, '');

  out.push(`Phases (${plan.phases.length}):`);
  plan.phases.forEach((phase, i) => {
    const soak = phase.duration?.min ? `at least ${d(phase.duration.min)}` : 'open-ended';
    const max = phase.duration?.max ? `, at most ${d(phase.duration.max)}` : '';
    out.push(`  ${i + 1}. ${phase.name} [${phase.id}] — ${soak}${max}`);
    if (phase.audience) {
      const limits = phase.audience.limits.map((l) => `≤${l.max}${l.unit ?? ''} ${l.subject}`).join(', ');
      out.push(`     audience: ${phase.audience.description ?? ''}${limits ? ` (${limits})` : ''}`.trimEnd());
    }
    const flags = Object.entries(phase.flags).map(([key, value]) => `${key}=${String(value)}`);
    if (flags.length > 0) out.push(`     flags on entry: ${flags.join(', ')}`);
    if (phase.checklist.length > 0) out.push(`     gate: ${phase.checklist.length} checklist item(s)`);
    for (const item of phase.checklist) {
      const detail =
        item.kind === 'approval'
          ? ` — sign-off by ${item.roles?.join(', ') || 'anyone authorised'}`
          : item.kind === 'sustained'
            ? ` — must hold for ${d(item.sustain ?? '')}`
            : '';
      out.push(`       - [${item.kind}] ${item.title}${detail}`);
    }
    if (phase.communications.length > 0) out.push(`     communications: ${phase.communications.length}`);
  });

  out.push('', `Flags (${plan.flags.length}):`);
  for (const flag of plan.flags)
    out.push(
      `  ${flag.key} (default ${String(flag.default)})${flag.description ? ` — ${flag.description}` : ''}`,
    );

  out.push('', `Guardrails (${plan.guardrails.length}):`);
  for (const g of plan.guardrails) {
    const window = g.window ? ` ${g.mode === 'aggregate' ? 'over' : 'for'} ${d(g.window)}` : '';
    out.push(
      `  ${g.id}: ${g.metric} ${g.operator} ${g.threshold}${g.unit ?? ''}${window} → ${describeAction(g.action)}`,
    );
  }
  if (plan.manualTriggers.length > 0) {
    out.push('', `Manual triggers (${plan.manualTriggers.length}):`);
    for (const t of plan.manualTriggers) out.push(`  ${t.id}: ${t.title} → ${describeAction(t.action)}`);
  }

  out.push('', `Rollback levels (${plan.rollback.levels.length}):`);
  for (const level of plan.rollback.levels) {
    out.push(`  ${level.title} [${level.id}]${level.budget ? ` — within ${d(level.budget)}` : ''}`);
    level.steps.forEach((step, i) => out.push(`    ${i + 1}. ${step.title} (${step.action.type})`));
  }

  out.push('', `Reviews (${plan.reviews.length}, after the last phase ends):`);
  for (const review of plan.reviews) out.push(`  after ${d(review.after)}: ${review.title}`);
  if (plan.settings.auditRetention) out.push('', `Audit retention: ${d(plan.settings.auditRetention)}`);
  return `${out.join('\n')}\n`;
}

function describeAction(action: TriggerAction): string {
  if (action.type === 'rollback')
    return action.level ? `rollback (${action.level})` : 'rollback (compensations only)';
  if (action.type === 'notify') return `notify${action.channel ? ` via ${action.channel}` : ''}`;
  return 'pause';
}
