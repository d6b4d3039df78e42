import { z } from 'zod';
import { parseEnv } from '../../../../libs/config/src';

const env = z.object({
  /** How often each API instance compares open rollouts with Temporal; 0 turns the reconciler off. */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  /** At most this many open rollouts are checked per tick (in pages of 100); the next tick goes on from there. */
  RECONCILE_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(1_000),
});

export const RECONCILER_CONFIG = Symbol('RECONCILER_CONFIG');

export interface ReconcilerConfig {
  intervalMs: number;
  maxRowsPerTick: number;
  /** Rows per database read and per visibility query. */
  pageSize: number;
  /** How long one Temporal call may take before the tick gives up (and the next tries again). */
  temporalDeadlineMs: number;
}

export function loadReconcilerConfig(source: NodeJS.ProcessEnv = process.env): ReconcilerConfig {
  const e = parseEnv(env, source, 'reconciler');
  return {
    intervalMs: e.RECONCILE_INTERVAL_MS,
    maxRowsPerTick: e.RECONCILE_MAX_ROWS,
    pageSize: Math.min(100, e.RECONCILE_MAX_ROWS),
    temporalDeadlineMs: 10_000,
  };
}
