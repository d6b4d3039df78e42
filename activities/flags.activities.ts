import { Injectable } from '@nestjs/common';
import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { FlagChange, type FlagValues } from '../libs/persistence/src/entities/flag-change.entity';
import { FlagValue } from '../libs/persistence/src/entities/flag-value.entity';
import { ALL_SEGMENTS } from '../libs/persistence/src/flag-segments';
import { activityKey } from './activity-key';

export type { FlagValues };
type Value = FlagValue['value'];

export interface RegisterFlagsInput {
  flags: { key: string; default: Value }[];
  actor: string;
  rolloutId?: string;
}

export interface SetFlagsInput {
  rolloutId: string;
  flags: Record<string, Value>;
  segment?: string;
  actor: string;
}

export interface RestoreFlagsInput {
  rolloutId: string;
  /** What `setFlags` returned: `null` deletes the flag's row in the segment. */
  previous: FlagValues;
  segment?: string;
  actor: string;
}

@Injectable()
export class FlagsActivities {
  constructor(private readonly orm: MikroORM) {}

  /** Adds the plan's flags the store lacks, with their defaults; never overwrites a value already there. */
  async registerFlags({ flags, actor, rolloutId }: RegisterFlagsInput): Promise<void> {
    if (!flags.length) return;
    const updatedAt = new Date();
    const rows = flags.map(({ key, default: value }) => ({
      key,
      segment: ALL_SEGMENTS,
      value,
      updatedBy: actor,
      updatedAt,
      rolloutId: rolloutId ?? null,
    }));
    await this.orm.em.fork().upsertMany(FlagValue, rows, {
      onConflictFields: ['key', 'segment'],
      onConflictAction: 'ignore',
    });
  }

  /** Sets flags; returns the values they replaced, the compensation to register. */
  async setFlags({ rolloutId, flags, segment, actor }: SetFlagsInput): Promise<{ previous: FlagValues }> {
    return { previous: await this.change(rolloutId, flags, segment ?? ALL_SEGMENTS, actor) };
  }

  /** Puts back what `setFlags` replaced: a value is written again, `null` removes the row. */
  async restoreFlags({ rolloutId, previous, segment, actor }: RestoreFlagsInput): Promise<void> {
    await this.change(rolloutId, previous, segment ?? ALL_SEGMENTS, actor);
  }

  /** The values in force for a segment: its own rows over the `*` rows. Not an activity (the API reads it). */
  async currentFlags(segment: string = ALL_SEGMENTS): Promise<Record<string, Value>> {
    const rows = await this.orm.em.fork().find(FlagValue, { segment: { $in: [ALL_SEGMENTS, segment] } });
    const ordered = rows.sort(
      (a, b) => Number(a.segment !== ALL_SEGMENTS) - Number(b.segment !== ALL_SEGMENTS),
    );
    return Object.fromEntries(ordered.map((row) => [row.key, row.value]));
  }

  /**
   * Writes `changes` (`null` deletes) in one transaction with a `FlagChange` row keyed by the activity.
   * A retry finds that row and returns the first attempt's `previous`: re-reading the store would return
   * the values the first attempt wrote, and the compensation would restore nothing.
   */
  private async change(
    rolloutId: string,
    changes: FlagValues,
    segment: string,
    actor: string,
  ): Promise<FlagValues> {
    const idempotencyKey = activityKey();
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        const done = await em.findOne(FlagChange, { idempotencyKey });
        if (done) return done.previous;
        const keys = Object.keys(changes);
        const rows = new Map(
          (await em.find(FlagValue, { segment, key: { $in: keys } })).map((r) => [r.key, r]),
        );
        const previous = Object.fromEntries(keys.map((key) => [key, rows.get(key)?.value ?? null]));
        const at = new Date();
        for (const [key, value] of Object.entries(changes)) {
          const row = rows.get(key);
          if (value === null) {
            if (row) em.remove(row);
          } else if (row) {
            Object.assign(row, { value, updatedBy: actor, updatedAt: at, rolloutId });
          } else {
            em.create(FlagValue, { key, segment, value, updatedBy: actor, updatedAt: at, rolloutId });
          }
        }
        em.create(FlagChange, { idempotencyKey, rolloutId, segment, changes, previous, actor, at });
        return previous;
      });
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      // Another attempt of this same activity committed first: its `previous` is the answer.
      const done = await this.orm.em.fork().findOne(FlagChange, { idempotencyKey });
      if (!done) throw e; // a flag row raced another writer: Temporal retries the activity
      return done.previous;
    }
  }
}
