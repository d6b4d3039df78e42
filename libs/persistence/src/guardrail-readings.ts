import type { EntityManager } from '@mikro-orm/core';
import { GuardrailReadingRow } from './entities/guardrail-reading.entity';

/** A guardrail's latest standing as a metric watcher evaluated it (what the API displays). */
export interface GuardrailReadingRecord {
  rolloutId: string;
  phaseId: string;
  guardrailId: string;
  metric: string;
  outcome: string;
  value: number | null;
  reason: string;
  latest: Record<string, unknown> | null;
  readings: number;
  noData: { cause: string; detail: string; policy: string } | null;
  updatedAt: Date;
}

const rowId = (r: Pick<GuardrailReadingRecord, 'rolloutId' | 'phaseId' | 'guardrailId'>) =>
  `${r.rolloutId}/${r.phaseId}/${r.guardrailId}`;

/** Replaces each guardrail's row with its latest standing (one upsert per guardrail). */
export async function saveGuardrailReadings(
  em: EntityManager,
  records: readonly GuardrailReadingRecord[],
): Promise<void> {
  const fork = em.fork();
  for (const record of records) {
    await fork.upsert(GuardrailReadingRow, { id: rowId(record), ...record }, { onConflictFields: ['id'] });
  }
}

/**
 * The latest readings the watchers wrote for a rollout, optionally for one phase, by phase then guardrail.
 * (The API's display of guardrails reads these for rollouts whose metrics source is `prometheus`.)
 */
export async function latestGuardrailReadings(
  em: EntityManager,
  rolloutId: string,
  phaseId?: string,
): Promise<GuardrailReadingRecord[]> {
  const rows = await em
    .fork()
    .find(GuardrailReadingRow, phaseId === undefined ? { rolloutId } : { rolloutId, phaseId }, {
      orderBy: { phaseId: 'asc', guardrailId: 'asc' },
    });
  return rows.map((row) => ({
    rolloutId: row.rolloutId,
    phaseId: row.phaseId,
    guardrailId: row.guardrailId,
    metric: row.metric,
    outcome: row.outcome,
    value: row.value,
    reason: row.reason,
    latest: row.latest,
    readings: row.readings,
    noData: row.noData as GuardrailReadingRecord['noData'],
    updatedAt: row.updatedAt,
  }));
}
