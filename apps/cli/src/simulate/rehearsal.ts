import { createHash } from 'node:crypto';
import type { RolloutPlan } from '../../../../libs/plan/src';
import { offset } from './report';
import type { SimulationResult } from './simulation';

/**
 * Evidence of a rollback rehearsal: what the level did, step by step, against recording adapters. Completing
 * "rollback plan rehearsed" links this file, with its digest so the evidence cannot change unnoticed.
 */
export interface RehearsalEvidence {
  kind: 'rollback-rehearsal';
  plan: string;
  level: string | null;
  /** The phase whose entry the rollback followed: every earlier forward effect was compensated. */
  phase: string;
  /** ROLLED_BACK when the level works as planned; ROLLBACK_FAILED names the step that did not. */
  outcome: string;
  ranAt: string;
  elapsedMs: number;
  steps: {
    id: string;
    title: string;
    source: string;
    status: string;
    error?: string;
    offset: string | null;
  }[];
  /** What the recording adapters were asked to do during the rollback, in order. */
  calls: { offset: string; adapter: string; what: string; idempotencyKey?: string; ok: boolean }[];
  flagsAfter: Record<string, unknown>;
}

/** Where a rehearsal is asked for: a real level and phase of the plan; the problems otherwise. */
export function rehearsalProblems(plan: RolloutPlan, level: string | undefined, phase: string): string[] {
  const problems: string[] = [];
  const levels = plan.rollback.levels.map((l) => l.id);
  if (level !== undefined && !levels.includes(level))
    problems.push(`--level: "${level}" is not a rollback level of the plan (${levels.join(', ') || 'none'})`);
  const phases = plan.phases.map((p) => p.id);
  if (!phases.includes(phase))
    problems.push(`--phase: "${phase}" is not a phase of the plan (${phases.join(', ')})`);
  return problems;
}

export function rehearsalEvidence(
  r: SimulationResult,
  rehearsal: { level?: string; phase: string },
  ranAt: Date,
): RehearsalEvidence {
  const rollbackStart = r.rollback?.startedAt ?? r.endedAt;
  return {
    kind: 'rollback-rehearsal',
    plan: r.plan,
    level: rehearsal.level ?? null,
    phase: rehearsal.phase,
    outcome: r.status,
    ranAt: ranAt.toISOString(),
    elapsedMs: r.elapsedMs,
    steps: (r.rollback?.steps ?? []).map((s) => ({
      id: s.id,
      title: s.title,
      source: s.source,
      status: s.status,
      ...(s.error ? { error: s.error } : {}),
      offset: s.finishedAt === undefined ? null : offset(s.finishedAt - r.startedAt),
    })),
    calls: r.calls
      .filter((c) => c.at >= rollbackStart)
      .map((c) => ({
        offset: offset(c.at - r.startedAt),
        adapter: c.adapter,
        what: c.what,
        ...(c.idempotencyKey ? { idempotencyKey: c.idempotencyKey } : {}),
        ok: c.ok,
      })),
    flagsAfter: r.flags,
  };
}

/** The evidence file's text and its SHA-256 (hex). */
export function evidenceFile(evidence: RehearsalEvidence): { text: string; sha256: string } {
  const text = `${JSON.stringify(evidence, null, 2)}\n`;
  return { text, sha256: createHash('sha256').update(text).digest('hex') };
}

export function rehearsalSummary(e: RehearsalEvidence, file: string, sha256: string): string {
  const lines = [
    `Rollback rehearsal of ${e.plan}, level ${e.level ?? '(compensations only)'} after entering ${e.phase}: ${e.outcome}`,
    ...e.steps.map((s) => `  ${s.status.padEnd(7)} ${s.title}${s.error ? ` — ${s.error}` : ''}`),
    `${e.calls.length} adapter call(s) recorded, none sent.`,
    `Evidence: ${file}`,
    `SHA-256:  ${sha256}`,
  ];
  return `${lines.join('\n')}\n`;
}
