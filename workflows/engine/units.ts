/**
 * Units of metric values, and conversion between them, so that a guardrail compares in ONE unit: a plan's
 * "> 5%" against an exporter's ratio of 0.09 is 9 %, a breach. Pure and deterministic (workflow-safe).
 *
 * A unit belongs to a dimension (a fraction, a duration, a count, a rate, a size); two units convert when
 * they share one. A unit this module does not know is compared by name only: "rps" against "rps" is fine,
 * "widgets" against "ms" cannot be reconciled. An absent unit is "whatever the other side says" (a plain
 * number): it never converts and never conflicts.
 */

export type Dimension = 'fraction' | 'duration' | 'count' | 'rate' | 'bytes';

interface UnitDef {
  /** The canonical name, as written in catalogues and shown to people. */
  name: string;
  dimension: Dimension;
  /** How many base units (ratio, second, one, per second, byte) one of this unit is. */
  scale: number;
}

const DEFS: readonly (UnitDef & { aliases: readonly string[] })[] = [
  { name: 'ratio', dimension: 'fraction', scale: 1, aliases: ['fraction'] },
  { name: 'percent', dimension: 'fraction', scale: 1e-2, aliases: ['%', 'pct', 'percentage'] },
  { name: 'permille', dimension: 'fraction', scale: 1e-3, aliases: ['‰'] },
  { name: 'ns', dimension: 'duration', scale: 1e-9, aliases: ['nanoseconds', 'nanosecond'] },
  { name: 'us', dimension: 'duration', scale: 1e-6, aliases: ['µs', 'microseconds', 'microsecond'] },
  { name: 'ms', dimension: 'duration', scale: 1e-3, aliases: ['milliseconds', 'millisecond'] },
  { name: 's', dimension: 'duration', scale: 1, aliases: ['sec', 'secs', 'seconds', 'second'] },
  { name: 'min', dimension: 'duration', scale: 60, aliases: ['minutes', 'minute'] },
  { name: 'h', dimension: 'duration', scale: 3_600, aliases: ['hours', 'hour'] },
  { name: 'count', dimension: 'count', scale: 1, aliases: ['1', 'errors'] },
  { name: 'rps', dimension: 'rate', scale: 1, aliases: ['per_second', '/s', 'req/s'] },
  { name: 'rpm', dimension: 'rate', scale: 1 / 60, aliases: ['per_minute', '/min', 'req/min'] },
  { name: 'bytes', dimension: 'bytes', scale: 1, aliases: ['b', 'byte'] },
  { name: 'kb', dimension: 'bytes', scale: 1e3, aliases: ['kilobytes'] },
  { name: 'mb', dimension: 'bytes', scale: 1e6, aliases: ['megabytes'] },
  { name: 'gb', dimension: 'bytes', scale: 1e9, aliases: ['gigabytes'] },
  { name: 'kib', dimension: 'bytes', scale: 1_024, aliases: [] },
  { name: 'mib', dimension: 'bytes', scale: 1_048_576, aliases: [] },
  { name: 'gib', dimension: 'bytes', scale: 1_073_741_824, aliases: [] },
];

const BY_NAME: ReadonlyMap<string, UnitDef> = new Map(
  DEFS.flatMap((d) => [d.name, ...d.aliases].map((n): [string, UnitDef] => [n, d])),
);

/** The units a catalogue may name (canonical names; aliases are accepted too). */
export const KNOWN_UNITS: readonly string[] = DEFS.map((d) => d.name);

const keyOf = (unit: string): string => unit.trim().toLowerCase();

/** The unit's definition, or undefined for a unit this module does not know. */
export function unitDef(unit: string): UnitDef | undefined {
  return BY_NAME.get(keyOf(unit));
}

/** "%" → "percent", "Milliseconds" → "ms"; an unknown unit comes back trimmed, as written. */
export function canonicalUnit(unit: string): string {
  return unitDef(unit)?.name ?? unit.trim();
}

/** How to read a value of `from` in `to`: undefined when they cannot be reconciled. */
export function conversionFactor(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return 1;
  const [a, b] = [unitDef(from), unitDef(to)];
  if (!a || !b) return keyOf(from) === keyOf(to) ? 1 : undefined;
  if (a.dimension !== b.dimension) return undefined;
  return a.scale / b.scale;
}

/** Whether a value in `from` can be compared with a threshold in `to`. */
export const reconcilable = (from: string | undefined, to: string | undefined): boolean =>
  conversionFactor(from, to) !== undefined;

/**
 * `value` (in `from`) expressed in `to`, or undefined when the units cannot be reconciled. Rounded to 12
 * significant digits so that binary fractions do not decide a comparison: 0.07 ratio is exactly 7 percent,
 * not 7.000000000000001 (which would breach "> 7%").
 */
export function convert(value: number, from: string | undefined, to: string | undefined): number | undefined {
  const factor = conversionFactor(from, to);
  if (factor === undefined) return undefined;
  if (factor === 1) return value;
  const converted = value * factor;
  return Number.isFinite(converted) ? Number(converted.toPrecision(12)) : converted;
}

export const UnitMessages = {
  MISMATCH: (from: string, to: string) =>
    `the metric's unit "${from}" cannot be compared with the guardrail's unit "${to}"`,
} as const;

/** Why a value in `from` cannot be compared with a threshold in `to`, or undefined when it can. */
export function unitProblem(from: string | undefined, to: string | undefined): string | undefined {
  return reconcilable(from, to) ? undefined : UnitMessages.MISMATCH(from as string, to as string);
}
