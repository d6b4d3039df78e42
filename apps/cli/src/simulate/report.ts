import type { SimulationResult } from './simulation';

const MIN = 60_000;
const DAY = 86_400_000;

/** "+14d 02:30" after the start: how a release manager reads a rollout calendar. */
export function offset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(ms);
  const days = Math.floor(abs / DAY);
  const minutes = Math.floor((abs % DAY) / MIN);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${sign}${days}d ${hh}:${mm}`;
}

/** "3d 4h", "45m": a span for people. */
export function span(ms: number): string {
  const total = Math.round(ms / MIN);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const parts = [days && `${days}d`, hours && `${hours}h`, minutes && `${minutes}m`].filter(Boolean);
  return parts.length ? parts.join(' ') : '0m';
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The JSON report: one object whose top-level fields include status, flags, timeline and rollback. */
export function toJson(r: SimulationResult): Record<string, unknown> {
  return {
    plan: r.plan,
    rolloutId: r.rolloutId,
    workflowId: r.workflowId,
    status: r.status,
    startedAt: iso(r.startedAt),
    endedAt: iso(r.endedAt),
    simulatedMs: r.endedAt - r.startedAt,
    elapsedMs: r.elapsedMs,
    ...(r.stopped ? { stopped: r.stopped } : {}),
    flags: r.flags,
    phases: r.phases.map((p) => ({
      id: p.id,
      name: p.name,
      status: p.status,
      enteredAt: iso(p.enteredAt),
      completedAt: iso(p.completedAt),
      spentMs: p.enteredAt !== undefined && p.completedAt !== undefined ? p.completedAt - p.enteredAt : null,
      minimumMs: p.minimumMs ?? null,
    })),
    reviews: r.reviews.map((v) => ({ ...v, dueAt: iso(v.dueAt), completedAt: iso(v.completedAt) })),
    breaches: r.breaches.map((b) => ({ ...b, at: iso(b.at) })),
    rollback: r.rollback,
    timeline: r.timeline.map((e) => ({
      at: iso(e.at),
      offset: offset(e.at - r.startedAt),
      workflow: e.workflow,
      event: e.event,
    })),
  };
}

/** The readable report: the timeline, then the final state. */
export function toText(r: SimulationResult): string {
  const out: string[] = [];
  out.push(
    `Simulation of ${r.plan}: ${span(r.endedAt - r.startedAt)} simulated in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    '',
  );
  const width = Math.max(...r.timeline.map((e) => short(r, e.workflow).length), 8);
  for (const e of r.timeline) {
    const when = new Date(e.at).toISOString().slice(0, 16).replace('T', ' ');
    out.push(
      `${offset(e.at - r.startedAt).padEnd(11)} ${when}  ${short(r, e.workflow).padEnd(width)}  ${e.event}`,
    );
  }
  out.push(
    '',
    `Final status: ${r.status}${r.stopped ? ` (simulation stopped: ${r.stopped})` : ''}`,
    'Phases:',
  );
  for (const p of r.phases) {
    const spent =
      p.enteredAt !== undefined && p.completedAt !== undefined
        ? `, ${span(p.completedAt - p.enteredAt)}`
        : '';
    const min = p.minimumMs ? ` (minimum ${span(p.minimumMs)})` : '';
    out.push(`  ${p.name}: ${p.status}${spent}${min}`);
  }
  if (r.reviews.length) {
    out.push('Reviews:');
    for (const v of r.reviews)
      out.push(
        `  ${v.title}: ${v.completedAt ? `done ${offset(v.completedAt - r.startedAt)} by ${v.completedBy}` : 'open'}`,
      );
  }
  out.push('Flags:');
  for (const [key, value] of Object.entries(r.flags)) out.push(`  ${key} = ${JSON.stringify(value)}`);
  if (r.breaches.length) {
    out.push('Breaches:');
    for (const b of r.breaches) out.push(`  ${offset(b.at - r.startedAt)} ${b.guardrailId}: ${b.reason}`);
  }
  if (r.rollback) {
    out.push(`Rollback (${r.rollback.level ?? 'compensations only'}): ${r.rollback.reason}`);
    for (const s of r.rollback.steps)
      out.push(`  ${s.status.padEnd(7)} ${s.title}${s.error ? ` — ${s.error}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

/** rollout-<id> → rollout, rollout-<id>-phase-<p> → phase <p>: the column stays narrow. */
function short(r: SimulationResult, workflowId: string): string {
  if (workflowId === r.workflowId) return 'rollout';
  const prefix = `${r.workflowId}-phase-`;
  return workflowId.startsWith(prefix) ? `phase ${workflowId.slice(prefix.length)}` : workflowId;
}
