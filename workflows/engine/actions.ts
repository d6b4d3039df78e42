import { nameKey, sameName } from '../../libs/auth/src/names';
import type { RefusalCode } from '../refusals';
import type { Actor, ItemState, PhaseState } from './phase';
import { notReadyForSignOff } from './phase-waits';
import { ROLE_POLICY } from './policy';
import { initialSustained } from './sustained';

// Human actions on a phase: each is checked first (a refusal changes nothing and, thrown from an Update
// validator, leaves no trace in history), then applied. Repeating an accepted action is a no-op.

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export interface ActionPolicy {
  /** Roles that may act on any item or gate, whatever the plan names (e.g. admin). */
  superRoles: string[];
  /** Roles that may skip an item, with a justification. */
  skipRoles: string[];
  /** Roles that may sign a phase gate when the plan names none. */
  gateRoles: string[];
  /** The same person may not both do an approval item's work and approve it, nor sign off their own work. */
  separationOfDuties: boolean;
  /**
   * Users compared by `nameKey` (`Otto` is `otto`) for separation of duties and reopening, as roles always
   * were. Set by the phase workflow (patched): runs recorded before compared users exactly.
   */
  foldUserNames?: boolean;
}

export const DEFAULT_POLICY: ActionPolicy = {
  superRoles: [...ROLE_POLICY.superRoles],
  skipRoles: [...ROLE_POLICY.skipRoles],
  gateRoles: [...ROLE_POLICY.gateRoles],
  separationOfDuties: true,
};

export type ItemAction =
  | { type: 'complete'; itemId: string; actor: Actor; note?: string; evidence?: string }
  | { type: 'approve'; itemId: string; actor: Actor; note?: string }
  | { type: 'reopen'; itemId: string; actor: Actor; note?: string }
  | { type: 'skip'; itemId: string; actor: Actor; justification: string };

export interface SignOff {
  actor: Actor;
  note?: string;
}

const refuse = (code: RefusalCode, message: string): Refusal => ({ code, message });

/** Compares role names the way plans write them (`nameKey`): "Project lead" and "project-lead" are one role. */
export function holdsAny(actor: Actor, roles: string[]): boolean {
  const held = new Set(actor.roles.map(nameKey));
  return roles.some((r) => held.has(nameKey(r)));
}

/** Whether `user` names the same person as `actor`: by `nameKey` under the policy, else exactly. */
function samePerson(user: string | undefined, actor: Actor, policy: ActionPolicy): boolean {
  return policy.foldUserNames ? sameName(user, actor.id) : user === actor.id;
}

function mayActOn(item: ItemState, actor: Actor, policy: ActionPolicy): boolean {
  return item.roles.length === 0 || holdsAny(actor, [...item.roles, ...policy.superRoles]);
}

const who = (roles: string[]): string => roles.join(' or ');

/** Why the action would be refused, or undefined when it may go ahead (possibly as a no-op repeat). */
export function checkItemAction(
  phase: PhaseState,
  action: ItemAction,
  policy = DEFAULT_POLICY,
): Refusal | undefined {
  const item = phase.items.find((i) => i.id === action.itemId);
  if (!item)
    return refuse('NOT_FOUND', `Checklist item "${action.itemId}" is not in the current phase (${phase.id})`);
  if (isRepeat(item, action)) return undefined;
  const { actor } = action;
  switch (action.type) {
    case 'complete':
      if (item.kind === 'sustained') {
        return refuse(
          'BAD_USER_INPUT',
          `"${item.id}" is a sustained condition: the engine completes it from readings`,
        );
      }
      if (item.status !== 'OPEN') return refuse('CONFLICT', `"${item.id}" is already ${describe(item)}`);
      // Anyone may do an approval item's work; the named roles approve it.
      if (item.kind !== 'approval' && !mayActOn(item, actor, policy)) {
        return refuse('FORBIDDEN', `Only ${who(item.roles)} may complete "${item.id}"`);
      }
      return undefined;
    case 'approve':
      if (item.kind !== 'approval') return refuse('BAD_USER_INPUT', `"${item.id}" is not an approval item`);
      if (item.status === 'OPEN')
        return refuse('CONFLICT', `"${item.id}" has no completed work to approve yet`);
      if (item.status !== 'DONE') return refuse('CONFLICT', `"${item.id}" is already ${describe(item)}`);
      if (!mayActOn(item, actor, policy))
        return refuse('FORBIDDEN', `Only ${who(item.roles)} may approve "${item.id}"`);
      if (policy.separationOfDuties && samePerson(item.doneBy, actor, policy)) {
        return refuse('FORBIDDEN', `${actor.id} did the work of "${item.id}" and may not also approve it`);
      }
      return undefined;
    case 'reopen':
      if (item.status === 'OPEN') return refuse('CONFLICT', `"${item.id}" is already open`);
      if (phase.gate.signedBy)
        return refuse('CONFLICT', `The gate of phase ${phase.id} is signed; items are final`);
      if (!mayActOn(item, actor, policy) && !samePerson(item.doneBy, actor, policy)) {
        return refuse(
          'FORBIDDEN',
          `Only ${who(item.roles)} or ${item.doneBy ?? 'whoever did it'} may reopen "${item.id}"`,
        );
      }
      return undefined;
    case 'skip':
      if (!action.justification?.trim())
        return refuse('BAD_USER_INPUT', 'Skipping an item needs a justification');
      if (item.status !== 'OPEN') return refuse('CONFLICT', `"${item.id}" is already ${describe(item)}`);
      if (!holdsAny(actor, policy.skipRoles))
        return refuse('FORBIDDEN', `Only ${who(policy.skipRoles)} may skip items`);
      return undefined;
  }
}

/** Applies an action that checkItemAction accepted. */
/** What the audit log keeps of an accepted action: who did what to which item, with its words. */
export interface ActionRecord {
  actor: string;
  action: string;
  target: string;
  payload: Record<string, unknown>;
}

/**
 * The audit record of an accepted item action, taken before it is applied; undefined for a repeat of what
 * is already so (an idempotent no-op, which the log does not repeat either).
 */
export function itemActionRecord(phase: PhaseState, action: ItemAction): ActionRecord | undefined {
  const item = phase.items.find((i) => i.id === action.itemId);
  if (!item || isRepeat(item, action)) return undefined;
  const { type, actor, itemId } = action;
  const words =
    type === 'skip'
      ? { justification: action.justification }
      : { note: action.note, ...(type === 'complete' ? { evidence: action.evidence } : {}) };
  const payload = Object.fromEntries(Object.entries(words).filter(([, v]) => v !== undefined));
  return {
    actor: actor.id,
    action: `checklist.${type}`,
    target: itemId,
    payload: { phase: phase.id, roles: actor.roles, ...payload },
  };
}

/** The audit record of a gate's sign-off; undefined when the gate is already signed. */
export function signOffRecord(phase: PhaseState, signOff: SignOff): ActionRecord | undefined {
  if (phase.gate.signedBy) return undefined;
  const note = signOff.note === undefined ? {} : { note: signOff.note };
  return {
    actor: signOff.actor.id,
    action: 'gate.sign',
    target: phase.id,
    payload: { phase: phase.id, roles: signOff.actor.roles, ...note },
  };
}

export function applyItemAction(phase: PhaseState, action: ItemAction, now: number): void {
  const item = phase.items.find((i) => i.id === action.itemId);
  if (!item || isRepeat(item, action)) return;
  switch (action.type) {
    case 'complete':
      Object.assign(item, {
        status: 'DONE',
        doneBy: action.actor.id,
        doneAt: now,
        note: action.note,
        evidence: action.evidence,
      });
      return;
    case 'approve':
      Object.assign(item, { status: 'APPROVED', approvedBy: action.actor.id, approvedAt: now });
      if (action.note) item.note = action.note;
      return;
    case 'reopen':
      Object.assign(item, { status: 'OPEN', note: action.note });
      for (const key of [
        'doneBy',
        'doneAt',
        'approvedBy',
        'approvedAt',
        'evidence',
        'skipJustification',
      ] as const) {
        delete item[key];
      }
      if (item.sustain) item.sustain = initialSustained();
      return;
    case 'skip':
      Object.assign(item, {
        status: 'SKIPPED',
        doneBy: action.actor.id,
        doneAt: now,
        skipJustification: action.justification,
      });
      return;
  }
}

/** The same person repeating what they already did: accepted, and changes nothing. */
function isRepeat(item: ItemState, action: ItemAction): boolean {
  const by = action.actor.id;
  switch (action.type) {
    case 'complete':
      return item.status !== 'OPEN' && item.status !== 'SKIPPED' && item.doneBy === by;
    case 'approve':
      return item.status === 'APPROVED' && item.approvedBy === by;
    case 'skip':
      return item.status === 'SKIPPED' && item.doneBy === by;
    case 'reopen':
      return false;
  }
}

function describe(item: ItemState): string {
  switch (item.status) {
    case 'DONE':
      return `done by ${item.doneBy ?? 'someone'}`;
    case 'APPROVED':
      return `approved by ${item.approvedBy ?? 'someone'}`;
    case 'SKIPPED':
      return `skipped by ${item.doneBy ?? 'someone'}`;
    default:
      return 'open';
  }
}

/** The roles that may sign a phase's gate: the plan's (or the rollout's) gate roles, else the policy's. */
export const gateSigners = (gateRoles: string[], policy = DEFAULT_POLICY): string[] =>
  gateRoles.length ? gateRoles : policy.gateRoles;

/**
 * Signing the gate: the last step out of a phase, once everything else is done. A sign-off refused early names
 * what is still open (items, approvals, sustained conditions, the soak's end as of `now`) and who signs.
 */
export function checkSignOff(
  phase: PhaseState,
  signOff: SignOff,
  gateRoles: string[],
  now: number,
  policy = DEFAULT_POLICY,
): Refusal | undefined {
  const { actor } = signOff;
  if (phase.gate.signedBy === actor.id) return undefined;
  if (phase.gate.signedBy)
    return refuse('CONFLICT', `The gate of phase ${phase.id} is already signed by ${phase.gate.signedBy}`);
  const roles = gateSigners(gateRoles, policy);
  if (!holdsAny(actor, [...roles, ...policy.superRoles])) {
    return refuse('FORBIDDEN', `Only ${who(roles)} may sign the gate of phase ${phase.id}`);
  }
  const notReady = notReadyForSignOff(phase, now, roles);
  if (notReady) return refuse('CONFLICT', notReady);
  if (
    policy.separationOfDuties &&
    phase.items.some((i) => i.kind === 'approval' && samePerson(i.doneBy, actor, policy))
  ) {
    return refuse(
      'FORBIDDEN',
      `${actor.id} did approval work in phase ${phase.id} and may not also sign its gate`,
    );
  }
  return undefined;
}

export function applySignOff(phase: PhaseState, signOff: SignOff, now: number): void {
  if (phase.gate.signedBy) return;
  phase.gate = { signedBy: signOff.actor.id, signedAt: now, note: signOff.note };
}
