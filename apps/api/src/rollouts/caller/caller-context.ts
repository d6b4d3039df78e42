import type { Rollout } from '../models/rollout.model';
import type { CallerView } from './caller-actions';

// The engine's own state behind a Rollout model, kept beside it (not in the GraphQL types) for the field
// resolvers that ask the engine's rules what the caller may do: each model object (the rollout, its checklist
// items, gates and rollback steps) is mapped to the view it was read from.

export interface BoundItem {
  view: CallerView;
  phaseId: string;
}

const rollouts = new WeakMap<object, CallerView>();
const items = new WeakMap<object, BoundItem>();
const gates = new WeakMap<object, CallerView>();

/** Binds a rollout model, read from `view`, to it: the caller's actions can then be resolved. */
export function bindCallerView<R extends Rollout>(model: R, view: CallerView): R {
  rollouts.set(model, view);
  for (const phase of model.phases) {
    for (const item of phase.checklist) items.set(item, { view, phaseId: phase.id });
    if (phase.gate && phase.id === view.state.currentPhaseId) gates.set(phase.gate, view);
  }
  for (const step of model.rollback?.steps ?? []) rollouts.set(step, view);
  return model;
}

export const rolloutViewOf = (model: object): CallerView | undefined => rollouts.get(model);
export const itemViewOf = (model: object): BoundItem | undefined => items.get(model);
export const gateViewOf = (model: object): CallerView | undefined => gates.get(model);
