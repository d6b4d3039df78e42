import { EntityManager } from '@mikro-orm/core';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { AuditEntry } from '../../../../libs/persistence/src';
import { toAuditEntryModel } from '../audit/audit.service';
import { AuditEntryModel } from '../audit/models/audit-entry.model';
import { graphQLError } from '../common/graphql-errors';
import { ID_PATTERN } from '../rollouts/dto/ids';
import { isClosed } from '../rollouts/rollout-status';
import { tail } from './audit-tail';

/** Each subscription asks the database this often while nothing new has happened. */
const POLL_MS = 250;

/**
 * Live events of a rollout, from the audit log (the one place every transition, accepted action, check and
 * breach is written, by the workflows and the API alike): tailed by chain position, so a subscriber sees
 * them in order from the start, however late it connects, and the stream ends after the final transition.
 */
@Resolver()
export class EventsResolver {
  constructor(private readonly em: EntityManager) {}

  @Subscription(() => AuditEntryModel, {
    description:
      'Every transition, accepted action, check and breach of a rollout, in order from its start; ends once the rollout has ended. Refusals are left out (see auditLog).',
    resolve: (entry: AuditEntryModel) => entry,
  })
  rolloutEvents(
    @Args('rolloutId', { type: () => ID }) rolloutId: string,
  ): AsyncIterableIterator<AuditEntryModel> {
    if (!ID_PATTERN.test(rolloutId)) throw graphQLError('BAD_USER_INPUT', 'rolloutId is not a rollout id');
    const fetch = async (afterSeq: number) => {
      const rows = await this.em
        .fork()
        .find(
          AuditEntry,
          { rolloutId, seq: { $gt: afterSeq }, outcome: { $ne: 'refused' } },
          { orderBy: { seq: 'asc' }, limit: 100 },
        );
      return rows.map(toAuditEntryModel);
    };
    return tail(fetch, {
      pollMs: POLL_MS,
      // A ROLLBACK_FAILED rollout goes on (a step retried or resolved); a TERMINATED one (the reconciler's
      // entry) does not.
      isLast: (e) => e.action === 'rollout.transition' && isClosed(e.target),
    });
  }
}
