import { durationToMillis, type ChecklistItem, type Phase } from '../../libs/plan/src/model';
import { dueAt, initialSustained, isSatisfied, observe, type SustainedState } from './sustained';

// The life of one phase, as plain data: what has been done in it and what it still waits for. The phase
// workflow drives these functions; every rule about leaving a phase lives here, not in the workflow.

export interface Actor {
  id: string;
  roles: string[];
}

export type ItemStatus = 'OPEN' | 'DONE' | 'APPROVED' | 'SKIPPED';

export interface ItemState {
  id: string;
  title: string;
  kind: ChecklistItem['kind'];
  roles: string[];
  status: ItemStatus;
  /** Who did the work (for an approval item: the work that is then approved). */
  doneBy?: string;
  doneAt?: number;
  approvedBy?: string;
  approvedAt?: number;
  note?: string;
  evidence?: string;
  skipJustification?: string;
  /** For `sustained` items: the duration to hold, and the clock that measures it. */
  sustainMs?: number;
  sustain?: SustainedState;
  /**
   * For items with `every` (a recurring check-in): the period, the reminders sent so far and when the next
   * falls due (epoch ms). Reminders go on while the phase runs, done or not; only skipping the item stops them.
   */
  everyMs?: number;
  checkIns?: number;
  nextCheckInAt?: number;
  /** For items with `deadline`: when the item is due (epoch ms), and when it was found overdue (escalated). */
  deadlineAt?: number;
  overdueAt?: number;
}

export interface GateState {
  signedBy?: string;
  signedAt?: number;
  note?: string;
}

export interface PhaseState {
  id: string;
  name: string;
  enteredAt: number;
  /** The soak: the phase may not be left before this time (epoch ms); absent = no minimum. */
  minUntil?: number;
  items: ItemState[];
  gate: GateState;
}

/** What a phase still waits for; empty means it may be left now. */
export type Wait =
  | { kind: 'items'; ids: string[] }
  | { kind: 'approvals'; ids: string[] }
  | { kind: 'sustained'; ids: string[]; dueAt?: number }
  | { kind: 'soak'; until: number }
  | { kind: 'sign-off' };

export function enterPhase(phase: Phase, now: number): PhaseState {
  const min = phase.duration?.min ? durationToMillis(phase.duration.min) : undefined;
  return {
    id: phase.id,
    name: phase.name,
    enteredAt: now,
    minUntil: min ? now + min : undefined,
    gate: {},
    items: phase.checklist.map((item) => ({
      id: item.id,
      title: item.title,
      kind: item.kind,
      roles: item.roles ?? [],
      status: 'OPEN',
      ...(item.kind === 'sustained'
        ? { sustainMs: durationToMillis(item.sustain ?? '') ?? 0, sustain: initialSustained() }
        : {}),
      ...itemTimersOf(item, now),
    })),
  };
}

/** A plan item's own timers on phase entry; nothing at all for an item without `every` or `deadline`. */
function itemTimersOf(item: ChecklistItem, now: number): Partial<ItemState> {
  const every = item.every ? durationToMillis(item.every) : undefined;
  const deadline = item.deadline ? durationToMillis(item.deadline) : undefined;
  return {
    ...(every ? { everyMs: every, checkIns: 0, nextCheckInAt: now + every } : {}),
    ...(deadline ? { deadlineAt: now + deadline } : {}),
  };
}

/** Done as far as the phase is concerned: approved (approval items), done (others), or skipped. */
export const finished = (item: ItemState): boolean =>
  item.status === 'SKIPPED' || item.status === (item.kind === 'approval' ? 'APPROVED' : 'DONE');

/** When a sustained item will be satisfied if nothing fails, or undefined while it is failing. */
export function sustainedDueAt(item: ItemState): number | undefined {
  return item.sustain ? (dueAt(item.sustain, item.sustainMs ?? 0) ?? undefined) : undefined;
}

/** Everything the phase still waits for at `now`, in the order a person would work through it. */
export function waitsOf(phase: PhaseState, now: number): Wait[] {
  const waits: Wait[] = [];
  const open = phase.items.filter((i) => !finished(i));
  const plain = open.filter((i) => i.kind !== 'sustained' && !(i.kind === 'approval' && i.status === 'DONE'));
  if (plain.length) waits.push({ kind: 'items', ids: plain.map((i) => i.id) });
  const approvals = open.filter((i) => i.kind === 'approval' && i.status === 'DONE');
  if (approvals.length) waits.push({ kind: 'approvals', ids: approvals.map((i) => i.id) });
  const sustained = open.filter((i) => i.kind === 'sustained');
  if (sustained.length) {
    // Due only when every one of them is holding: the last of them to come due.
    const dues = sustained.map(sustainedDueAt).filter((d): d is number => d !== undefined);
    const allDue = dues.length === sustained.length ? Math.max(...dues) : undefined;
    waits.push({ kind: 'sustained', ids: sustained.map((i) => i.id), dueAt: allDue });
  }
  if (phase.minUntil !== undefined && now < phase.minUntil)
    waits.push({ kind: 'soak', until: phase.minUntil });
  if (!phase.gate.signedBy) waits.push({ kind: 'sign-off' });
  return waits;
}

/** True when only the gate's sign-off is missing: the phase shows WAITING_FOR_SIGN_OFF. */
export const onlySignOffLeft = (waits: Wait[]): boolean => waits.length === 1 && waits[0].kind === 'sign-off';

/**
 * A reading for a sustained item: a failure restarts its clock, and it is done once healthy for its whole
 * duration. Done stays done (the condition was met; guardrails watch what follows).
 */
export function observeSustained(phase: PhaseState, itemId: string, healthy: boolean, at: number): void {
  const item = phase.items.find((i) => i.id === itemId && i.kind === 'sustained');
  if (!item?.sustain || item.status !== 'OPEN') return;
  item.sustain = observe(item.sustain, healthy, at, item.sustainMs ?? 0);
  if (isSatisfied(item.sustain)) Object.assign(item, { status: 'DONE', doneAt: at, doneBy: 'engine' });
}

/** At a due time, items still healthy (no failure since their last reading) hold: observe them now. */
export function tickSustained(phase: PhaseState, now: number): void {
  for (const item of phase.items) {
    if (item.sustain?.since != null) observeSustained(phase, item.id, true, now);
  }
}

/** The earliest moment the phase's state can change by time alone (soak end, a sustained item due). */
export function nextTimeChange(phase: PhaseState, now: number): number | undefined {
  const times = waitsOf(phase, now).flatMap((w) =>
    w.kind === 'soak' ? [w.until] : w.kind === 'sustained' && w.dueAt !== undefined ? [w.dueAt] : [],
  );
  return times.length ? Math.min(...times) : undefined;
}
