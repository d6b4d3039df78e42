import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../../rollouts/models/rollout.model';

@ObjectType('AuditEntry', {
  description: 'One line of the append-only audit log, chained to the one before.',
})
export class AuditEntryModel {
  @Field(() => Int, { description: 'Position in the chain, from 1, without gaps.' }) seq: number;
  @Field() at: Date;
  @Field(() => ID, { description: 'The rollout it concerns; "-" when the operation named none.' })
  rolloutId: string;
  @Field({ description: 'Who: a user, `engine`, or `anonymous` for a request without a valid token.' })
  actor: string;
  @Field({ description: 'What, e.g. checklist.complete, gate.sign, rollout.transition, api.startRollout.' })
  action: string;
  @Field({ description: 'On what: an item, a phase, a status, a guardrail …' }) target: string;
  @Field({ description: 'accepted | refused (a person’s action) | ok (the engine’s own step).' })
  outcome: string;
  @Field({ description: 'The details as JSON (notes, readings, the refusal’s code and message …).' })
  payloadJson: string;
  @Field({ description: 'SHA-256 (hex) over this entry and the previous hash.' }) hash: string;
  @Field({ nullable: true, description: 'The previous entry’s hash (none for the first).' })
  prevHash?: string;
}

@ObjectType()
export class AuditEntryEdge {
  @Field() cursor: string;
  @Field(() => AuditEntryModel) node: AuditEntryModel;
}

@ObjectType()
export class AuditLogConnection {
  @Field(() => [AuditEntryEdge]) edges: AuditEntryEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
}
