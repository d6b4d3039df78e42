import type { RolloutPlan } from './plan.schema';

/**
 * What changed between two versions of a plan, one readable line per change ("phase pilot-merchants:
 * duration.min P14D → P7D", "guardrail error-rate added"). Where each element sits in the document
 * (`source`) is not a change. Pure and deterministic: lines follow the plan's own order.
 */
export function planChanges(before: RolloutPlan, after: RolloutPlan): string[] {
  const out: string[] = [];
  fields('', before.metadata, after.metadata, out, 'plan');
  keyed('flag', before.flags, after.flags, (f) => f.key, out);
  keyed(
    'phase',
    before.phases,
    after.phases,
    (p) => p.id,
    out,
    (label, a, b) => {
      fields(label, omit(a, 'checklist'), omit(b, 'checklist'), out);
      keyed(`${label}: item`, a.checklist, b.checklist, (i) => i.id, out);
    },
  );
  keyed('metric', before.metrics, after.metrics, (m) => m.name, out);
  keyed('guardrail', before.guardrails, after.guardrails, (g) => g.id, out);
  keyed('manual trigger', before.manualTriggers, after.manualTriggers, (t) => t.id, out);
  keyed(
    'rollback level',
    before.rollback.levels,
    after.rollback.levels,
    (l) => l.id,
    out,
    (label, a, b) => {
      fields(label, omit(a, 'steps'), omit(b, 'steps'), out);
      keyed(`${label}: step`, a.steps, b.steps, (s) => s.id, out);
    },
  );
  keyed('review', before.reviews, after.reviews, (r) => r.id, out);
  fields(
    '',
    { communications: before.communications },
    { communications: after.communications },
    out,
    'plan',
  );
  fields('', omit(before.settings, 'source'), omit(after.settings, 'source'), out, 'settings');
  return out;
}

type Inner<T> = (label: string, before: T, after: T) => void;

function keyed<T extends object>(
  kind: string,
  before: readonly T[],
  after: readonly T[],
  key: (t: T) => string,
  out: string[],
  inner?: Inner<T>,
): void {
  const old = new Map(before.map((t) => [key(t), t]));
  const now = new Set(after.map(key));
  for (const t of before) if (!now.has(key(t))) out.push(`${kind} ${key(t)} removed`);
  for (const t of after) {
    const was = old.get(key(t));
    if (!was) out.push(`${kind} ${key(t)} added`);
    else if (inner) inner(`${kind} ${key(t)}`, was, t);
    else fields(`${kind} ${key(t)}`, was, t, out);
  }
  const order = (list: readonly T[]) => list.map(key).filter((k) => old.has(k) && now.has(k));
  if (JSON.stringify(order(before)) !== JSON.stringify(order(after))) out.push(`${kind}s reordered`);
}

/** Top-level fields of two objects, compared by value, `source` left out. */
function fields(label: string, before: object, after: object, out: string[], fallback = label): void {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (name === 'source') continue;
    const [x, y] = [show(a[name]), show(b[name])];
    if (x !== y) out.push(`${label || fallback}: ${name} ${x} → ${y}`);
  }
}

function omit<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

/** A value as a line shows it, without document positions. */
function show(value: unknown): string {
  if (value === undefined) return '(none)';
  return JSON.stringify(value, (k, v: unknown) => (k === 'source' ? undefined : v));
}
