import type { EntityManager } from '@mikro-orm/core';
import { durationToMillis } from '../../plan/src/model';
import { PlanVersion } from './entities/plan-version.entity';
import { RolloutProjection } from './entities/rollout-projection.entity';

/**
 * Audit retention: which of the oldest entries may be pruned. The chain can only lose its start, so pruning
 * takes the longest run of oldest entries that are all past their retention and stops at the first that
 * must stay. An entry stays while it is younger than the age asked for, or than its rollout's plan
 * (`settings.auditRetention`, never undercut), or while its rollout has not ended.
 */

/** How long entries must be kept, and why (for the report). */
export interface Retention {
  /** Least age before an entry may go; Infinity while it must stay whatever its age. */
  keepMs: number;
  why: string;
}

export interface RetainedEntry {
  seq: number;
  at: Date;
  rolloutId: string;
}

export interface PrunablePrefix {
  /** How many of the entries given, from the first, may go. */
  count: number;
  /** The first entry that must stay, with the rule that keeps it; absent when every entry given may go. */
  stop?: RetainedEntry & { why: string };
}

/**
 * Of `entries` (the chain's oldest, in seq order), how many from the first may be pruned at `now`: each
 * must be at least as old as the larger of `floor` and its rollout's retention (`retentions`; a rollout
 * not in it, such as a refusal naming no real rollout, has only the floor).
 */
export function prunablePrefix(
  entries: readonly RetainedEntry[],
  now: Date,
  floor: Retention,
  retentions: ReadonlyMap<string, Retention>,
): PrunablePrefix {
  for (const [index, entry] of entries.entries()) {
    const own = retentions.get(entry.rolloutId);
    const rule = own && own.keepMs > floor.keepMs ? own : floor;
    if (now.getTime() - entry.at.getTime() < rule.keepMs) {
      return {
        count: index,
        stop: { seq: entry.seq, at: entry.at, rolloutId: entry.rolloutId, why: rule.why },
      };
    }
  }
  return { count: entries.length };
}

/**
 * The retention of each of these rollouts that has one beyond the floor: a rollout that has not ended keeps
 * everything (its live view tails the log from its start); an ended one keeps what its plan version says.
 */
export async function loadRetentions(
  em: EntityManager,
  rolloutIds: readonly string[],
): Promise<Map<string, Retention>> {
  const retentions = new Map<string, Retention>();
  if (!rolloutIds.length) return retentions;
  const rollouts = await em.find(RolloutProjection, { rolloutId: { $in: [...rolloutIds] } });
  const versionIds = rollouts
    .filter((r) => r.completedAt && r.planVersion !== null)
    .map((r) => `${r.plan}@${r.planVersion}`);
  const versions = versionIds.length ? await em.find(PlanVersion, { id: { $in: versionIds } }) : [];
  const settingOf = new Map(
    versions.map((v) => [
      v.id,
      (v.plan as { settings?: { auditRetention?: string } }).settings?.auditRetention,
    ]),
  );
  for (const rollout of rollouts) {
    if (!rollout.completedAt) {
      retentions.set(rollout.rolloutId, {
        keepMs: Infinity,
        why: `rollout ${rollout.rolloutId} has not ended (${rollout.status})`,
      });
      continue;
    }
    const versionId = `${rollout.plan}@${rollout.planVersion}`;
    const setting = settingOf.get(versionId);
    const keepMs = setting ? durationToMillis(setting) : undefined;
    if (setting && keepMs !== undefined)
      retentions.set(rollout.rolloutId, {
        keepMs,
        why: `plan ${versionId} (rollout ${rollout.rolloutId}) keeps its audit entries for ${setting}`,
      });
  }
  return retentions;
}
