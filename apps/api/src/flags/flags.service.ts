import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ALL_SEGMENTS, FlagValue, PlanVersion, RolloutProjection } from '../../../../libs/persistence/src';
import type { StoredFlag } from './ofrep/ofrep.evaluation';

export interface EffectiveFlag {
  key: string;
  value: FlagValue['value'];
  /** The segment the value comes from: the one asked for, or `*`. */
  segment: string;
  updatedBy: string;
  updatedAt: Date;
  rolloutId: string | null;
}

/** Reads the flag store as applications see it: per segment (environment), falling back to `*`. */
@Injectable()
export class FlagsService {
  constructor(private readonly em: EntityManager) {}

  async effective(segment: string = ALL_SEGMENTS): Promise<EffectiveFlag[]> {
    const rows = await this.em
      .fork()
      .find(
        FlagValue,
        { segment: { $in: [...new Set([ALL_SEGMENTS, segment])] } },
        { orderBy: { key: 'asc' } },
      );
    const byKey = new Map<string, FlagValue>();
    for (const row of rows) {
      const seen = byKey.get(row.key);
      if (!seen || (seen.segment === ALL_SEGMENTS && row.segment !== ALL_SEGMENTS)) byKey.set(row.key, row);
    }
    return [...byKey.values()].map((r) => ({
      key: r.key,
      value: r.value,
      segment: r.segment,
      updatedBy: r.updatedBy,
      updatedAt: r.updatedAt,
      rolloutId: r.rolloutId,
    }));
  }

  /**
   * The rows of everyone's segment and `environment`'s (of one key, when given), each with the default its
   * rollout's plan declares for it: OFREP tells a plan default (DEFAULT) from a phase's value (STATIC).
   */
  async stored(environment: string, key?: string): Promise<StoredFlag[]> {
    const em = this.em.fork();
    const rows = await em.find(FlagValue, {
      segment: { $in: [...new Set([ALL_SEGMENTS, environment])] },
      ...(key !== undefined && { key }),
    });
    const rolloutIds = [...new Set(rows.flatMap((r) => (r.rolloutId === null ? [] : [r.rolloutId])))];
    const defaults = await this.declaredDefaults(em, rolloutIds);
    return rows.map((r) => ({
      key: r.key,
      segment: r.segment,
      value: r.value,
      updatedBy: r.updatedBy,
      updatedAt: r.updatedAt,
      rolloutId: r.rolloutId,
      declaredDefault: r.rolloutId === null ? undefined : defaults.get(r.rolloutId)?.get(r.key),
    }));
  }

  /** Per rollout, its plan version's flag defaults (rollouts started outside the API name no version). */
  private async declaredDefaults(
    em: EntityManager,
    rolloutIds: string[],
  ): Promise<Map<string, Map<string, FlagValue['value']>>> {
    if (!rolloutIds.length) return new Map();
    const rollouts = await em.find(
      RolloutProjection,
      { rolloutId: { $in: rolloutIds }, planVersionId: { $ne: null } },
      { fields: ['rolloutId', 'planVersionId'] },
    );
    const versionIds = [...new Set(rollouts.map((r) => r.planVersionId as string))];
    const versions = versionIds.length
      ? await em.find(PlanVersion, { id: { $in: versionIds } }, { fields: ['id', 'plan'] })
      : [];
    const byVersion = new Map(versions.map((v) => [v.id, planDefaults(v.plan)]));
    return new Map(rollouts.map((r) => [r.rolloutId, byVersion.get(r.planVersionId as string) ?? new Map()]));
  }
}

/** A stored plan's `flags[].default` by key (the plan was validated on import; read defensively all the same). */
function planDefaults(plan: Record<string, unknown>): Map<string, FlagValue['value']> {
  const flags = Array.isArray(plan.flags) ? (plan.flags as unknown[]) : [];
  const defaults = new Map<string, FlagValue['value']>();
  for (const flag of flags) {
    if (typeof flag !== 'object' || flag === null) continue;
    const { key, default: value } = flag as { key?: unknown; default?: unknown };
    if (typeof key === 'string' && ['boolean', 'number', 'string'].includes(typeof value))
      defaults.set(key, value as FlagValue['value']);
  }
  return defaults;
}
