import type { ItemTimer } from './item-timers';
import { humanDuration, whenFrom } from './durations';
import { sustainedDueAt, waitsOf, type ItemState, type PhaseState, type Wait } from './phase';

// What a phase waits for, in words a person can act on: the items and approvals still open (ids and titles),
// when a sustained condition or the soak ends (absolute and relative), and who signs the gate. The same words
// go into a refused sign-off and into the phase's current details in the Web UI.

/** `onboarded "Pilot participants onboarded"` */
const named = (item: ItemState): string => `${item.id} "${item.title}"`;

const itemsOf = (phase: PhaseState, ids: string[]): ItemState[] =>
  ids.flatMap((id) => phase.items.filter((i) => i.id === id));

/** One phrase per wait, e.g. `soak until 2026-11-29T13:07:20Z (in 6 d 23 h)`, `sign-off by release-manager`. */
export function waitPhrase(phase: PhaseState, wait: Wait, now: number, signers: string[]): string {
  switch (wait.kind) {
    case 'items':
      return `open items: ${itemsOf(phase, wait.ids).map(named).join(', ')}`;
    case 'approvals':
      return `approvals: ${itemsOf(phase, wait.ids)
        .map((i) => (i.roles.length ? `${named(i)} by ${i.roles.join(' or ')}` : named(i)))
        .join(', ')}`;
    case 'sustained':
      return `sustained conditions: ${itemsOf(phase, wait.ids)
        .map((i) => {
          const due = sustainedDueAt(i);
          const sustain = humanDuration(i.sustainMs ?? 0);
          return due === undefined
            ? `${named(i)} not holding yet (needs ${sustain})`
            : `${named(i)} holds until ${whenFrom(due, now)}`;
        })
        .join(', ')}`;
    case 'soak':
      return `soak until ${whenFrom(wait.until, now)}`;
    case 'sign-off':
      return `sign-off by ${signers.join(' or ')}`;
  }
}

/** Everything the phase waits for at `now`, one phrase each, in the order a person works through them. */
export function waitPhrases(phase: PhaseState, now: number, signers: string[]): string[] {
  return waitsOf(phase, now).map((w) => waitPhrase(phase, w, now, signers));
}

/**
 * Why the gate may not be signed yet (items, approvals, sustained conditions or the soak still pending), or
 * undefined when only the sign-off itself is left.
 */
export function notReadyForSignOff(phase: PhaseState, now: number, signers: string[]): string | undefined {
  const pending = waitsOf(phase, now).filter((w) => w.kind !== 'sign-off');
  if (!pending.length) return undefined;
  const what = pending.map((w) => waitPhrase(phase, w, now, signers)).join('; ');
  return `Phase ${phase.id} is not ready for sign-off: ${what}; then sign-off by ${signers.join(' or ')}`;
}

export interface PhaseLabel {
  name: string;
  plan: string;
  rolloutId: string;
}

/**
 * The phase's current details (Web UI, Markdown): what it waits for, one line each, then overdue items.
 * "**Pilot** (merchant-launch, rollout r1) — waiting for:" followed by "- open items: …", "- soak until …".
 */
export function phaseDetails(
  label: PhaseLabel,
  phase: PhaseState,
  now: number,
  signers: string[],
  options: { held: boolean; overdue: ItemState[] },
): string {
  const head = `**${label.name}** (${label.plan}, rollout ${label.rolloutId})`;
  const phrases = waitPhrases(phase, now, signers);
  const lines = phrases.length
    ? [`${head} — waiting for:`, ...phrases.map((p) => `- ${p}`)]
    : [`${head} — ${options.held ? 'held: its rollout is paused' : 'ready to be left'}`];
  if (phrases.length && options.held) lines.push('- the rollout to resume (paused)');
  if (options.overdue.length) lines.push(`Overdue: ${options.overdue.map(named).join(', ')}`);
  return lines.join('\n');
}

/** The summary of the timer a phase waits on for its soak or a sustained condition: "Soak: Pilot, 14 days". */
export function waitTimerSummary(phaseName: string, phase: PhaseState, now: number, ms: number): string {
  const what = phase.minUntil !== undefined && now < phase.minUntil ? 'Soak' : 'Sustained condition';
  return `${what}: ${phaseName}, ${humanDuration(ms)}`;
}

/** "Check-in #3: Daily check-ins, in 1 day", "Deadline: Quiet hour overrides approved…, in 4 hours". */
export function itemTimerSummary(timer: ItemTimer, ms: number): string {
  const title = timer.title.length > 60 ? `${timer.title.slice(0, 59)}…` : timer.title;
  const what = timer.kind === 'check-in' ? `Check-in #${timer.occurrence}` : 'Deadline';
  return `${what}: ${title}, in ${humanDuration(ms)}`;
}
