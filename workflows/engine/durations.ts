/** A duration as a person reads it, in its largest whole unit: "14 days", "3 hours", "250 ms". */
export function humanDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size) {
      const n = Math.round(ms / size);
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.max(0, Math.round(ms))} ms`;
}

const COMPACT_UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/**
 * A duration in its two largest units, cut down (never rounded up, so "in 6 d 23 h" is not yet 7 days):
 * "6 d 23 h", "5 h", "3 min 20 s", "45 s"; under a second, "0 s".
 */
export function compactDuration(ms: number): string {
  const rest = Math.max(0, Math.floor(ms));
  const first = COMPACT_UNITS.findIndex(([size]) => rest >= size);
  if (first < 0) return '0 s';
  const [size, name] = COMPACT_UNITS[first];
  const shown = `${Math.floor(rest / size)} ${name}`;
  const next = COMPACT_UNITS[first + 1];
  const more = next ? Math.floor((rest % size) / next[0]) : 0;
  return more ? `${shown} ${more} ${next[1]}` : shown;
}

/** A moment as "2026-11-29T13:07:20Z (in 6 d 23 h)", or "(… ago)" once passed: absolute, then relative. */
export function whenFrom(at: number, now: number): string {
  const iso = new Date(at).toISOString().replace('.000Z', 'Z');
  return at >= now ? `${iso} (in ${compactDuration(at - now)})` : `${iso} (${compactDuration(now - at)} ago)`;
}
