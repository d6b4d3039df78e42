import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { FlagValue } from '../../../../libs/persistence/src';

/** Everyone's segment; a segment's own value overrides it. */
export const ALL_SEGMENTS = '*';

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
}
