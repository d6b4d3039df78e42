import { EntityManager } from '@mikro-orm/core';
import { Field, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { OutboxMessage } from '../../../../libs/persistence/src';
import { Rollout } from './models/rollout.model';

/** The most messages one rollout answers with (newest kept). */
export const MESSAGES_SHOWN = 100;

@ObjectType({ description: 'A notification the rollout sent, or recorded when its channel has no webhook.' })
export class RolloutMessage {
  @Field() id: string;
  @Field({ description: 'The channel (release, escalation …).' }) channel: string;
  @Field({ nullable: true, description: 'Who it is for (a role or a team), when the plan names one.' })
  audience?: string;
  @Field() message: string;
  @Field({
    description:
      'pending (not yet delivered), sent, failed (refused by the receiver) or recorded (no webhook for its channel: kept, delivered nowhere).',
  })
  status: string;
  @Field({ nullable: true }) lastError?: string;
  @Field() createdAt: Date;
  @Field({ nullable: true }) sentAt?: Date;
}

/** Rollout.messages: read from the outbox the notify activity writes before any webhook call. */
@Resolver(() => Rollout)
export class RolloutMessagesResolver {
  constructor(private readonly em: EntityManager) {}

  @ResolveField(() => [RolloutMessage], {
    description: `The messages the rollout sent or recorded, oldest first (the latest ${MESSAGES_SHOWN}).`,
  })
  async messages(@Parent() rollout: Rollout): Promise<RolloutMessage[]> {
    const rows = await this.em
      .fork()
      .find(OutboxMessage, { rolloutId: rollout.id }, { orderBy: { id: 'DESC' }, limit: MESSAGES_SHOWN });
    return rows.reverse().map((m) => ({
      id: String(m.id),
      channel: m.channel,
      audience: m.audience ?? undefined,
      message: m.message,
      status: m.status,
      lastError: m.lastError ?? undefined,
      createdAt: m.createdAt,
      sentAt: m.sentAt ?? undefined,
    }));
  }
}
