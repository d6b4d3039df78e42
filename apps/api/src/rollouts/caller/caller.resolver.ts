import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentActor, type RequestActor } from '../../auth/auth.decorators';
import { ChecklistItem, Gate, RollbackStep, Rollout } from '../models/rollout.model';
import {
  gateFor,
  itemActionsFor,
  rolloutActionsFor,
  stepActionsFor,
  type GateOffer,
  type Offered,
} from './caller-actions';
import { gateViewOf, itemViewOf, rolloutViewOf } from './caller-context';
import {
  ChecklistAction,
  ChecklistActionRefusal,
  RollbackStepAction,
  RollbackStepActionRefusal,
  RolloutAction,
  RolloutActionRefusal,
} from './caller.model';

// What the signed-in caller may do, beside what a rollout is: each field asks the engine's pure rules with the
// caller as the actor (caller-actions.ts), on the state the rollout was read from. Nothing is sent anywhere.

const none = { allowed: [], refusals: [] };

@Resolver(() => ChecklistItem)
export class ChecklistItemCallerResolver {
  private offered(item: ChecklistItem, actor: RequestActor): Offered<ChecklistAction> {
    const bound = itemViewOf(item);
    return bound
      ? (itemActionsFor(
          bound.view,
          { id: item.id, phaseId: bound.phaseId },
          actor,
        ) as Offered<ChecklistAction>)
      : none;
  }

  @ResolveField(() => [ChecklistAction], {
    description:
      'What the caller may do to this item now, by the rules the engine applies (roles, separation of duties, its status, the current phase). Empty outside the current phase.',
  })
  allowedActions(@Parent() item: ChecklistItem, @CurrentActor() actor: RequestActor): ChecklistAction[] {
    return this.offered(item, actor).allowed;
  }

  @ResolveField(() => [ChecklistActionRefusal], {
    description: 'For each action not allowed: why, as the engine would refuse it.',
  })
  refusals(@Parent() item: ChecklistItem, @CurrentActor() actor: RequestActor): ChecklistActionRefusal[] {
    return this.offered(item, actor).refusals;
  }
}

@Resolver(() => Gate)
export class GateCallerResolver {
  private offer(gate: Gate, actor: RequestActor): GateOffer | undefined {
    const view = gateViewOf(gate);
    return view && gateFor(view, actor, Date.now());
  }

  @ResolveField(() => Boolean, {
    description:
      "Whether the caller may sign this gate now (the current phase's only; as signOffGate checks it).",
  })
  canSignOff(@Parent() gate: Gate, @CurrentActor() actor: RequestActor): boolean {
    return this.offer(gate, actor)?.canSignOff ?? false;
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'Why the caller may not sign it now, as signOffGate would refuse it (null when they may).',
  })
  signOffRefusal(@Parent() gate: Gate, @CurrentActor() actor: RequestActor): string | undefined {
    const offer = this.offer(gate, actor);
    return offer ? offer.refusal?.message : undefined;
  }

  @ResolveField(() => [String], { description: 'The roles that may sign it (the current phase only).' })
  signers(@Parent() gate: Gate, @CurrentActor() actor: RequestActor): string[] {
    return this.offer(gate, actor)?.signers ?? [];
  }

  @ResolveField(() => [String], {
    description:
      'What the phase still waits for before its sign-off, one phrase each ("open items: …", "soak until …"); empty when only the sign-off is left.',
  })
  missing(@Parent() gate: Gate, @CurrentActor() actor: RequestActor): string[] {
    return this.offer(gate, actor)?.missing ?? [];
  }
}

@Resolver(() => Rollout)
export class RolloutCallerResolver {
  private offered(rollout: Rollout, actor: RequestActor): Offered<RolloutAction> {
    const view = rolloutViewOf(rollout);
    return view ? (rolloutActionsFor(view, actor) as Offered<RolloutAction>) : none;
  }

  @ResolveField(() => [RolloutAction], {
    description:
      'What the caller may do to the rollout now (pause, resume, roll back, abort), by the engine’s rules.',
  })
  allowedActions(@Parent() rollout: Rollout, @CurrentActor() actor: RequestActor): RolloutAction[] {
    return this.offered(rollout, actor).allowed;
  }

  @ResolveField(() => [RolloutActionRefusal], { description: 'For each rollout action not allowed: why.' })
  actionRefusals(@Parent() rollout: Rollout, @CurrentActor() actor: RequestActor): RolloutActionRefusal[] {
    return this.offered(rollout, actor).refusals;
  }
}

@Resolver(() => RollbackStep)
export class RollbackStepCallerResolver {
  private offered(step: RollbackStep, actor: RequestActor): Offered<RollbackStepAction> {
    const view = rolloutViewOf(step);
    return view ? (stepActionsFor(view, step.id, actor) as Offered<RollbackStepAction>) : none;
  }

  @ResolveField(() => [RollbackStepAction], {
    description:
      'What the caller may do to this step now: confirm a manual step waiting for a person, retry or resolve the failed one.',
  })
  allowedActions(@Parent() step: RollbackStep, @CurrentActor() actor: RequestActor): RollbackStepAction[] {
    return this.offered(step, actor).allowed;
  }

  @ResolveField(() => [RollbackStepActionRefusal], { description: 'For each step action not allowed: why.' })
  refusals(@Parent() step: RollbackStep, @CurrentActor() actor: RequestActor): RollbackStepActionRefusal[] {
    return this.offered(step, actor).refusals;
  }
}

/** The field resolvers of what the caller may do (registered by RolloutsModule and the schema printer). */
export const CALLER_RESOLVERS = [
  ChecklistItemCallerResolver,
  GateCallerResolver,
  RolloutCallerResolver,
  RollbackStepCallerResolver,
];
