// The worker's one scrape: our registry's text, then the Temporal SDK core's (its Prometheus exporter on a local
// port), without any family ours already has: two HELP/TYPE lines for one name fail `promtool check metrics`,
// and Prometheus rejects such a scrape.

/** The family a sample or comment line belongs to (a histogram's `_bucket`/`_sum`/`_count` to its base name). */
function familyOf(line: string, families: ReadonlySet<string>): string | undefined {
  const comment = /^# (?:HELP|TYPE) (\S+)/.exec(line);
  if (comment) return comment[1];
  if (line.startsWith('#') || !line.trim()) return undefined;
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (!name) return undefined;
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count|total|created)$/, '');
  return families.has(base) ? base : name;
}

/** The metric families an exposition declares (by HELP or TYPE) or has samples of. */
export function familiesOf(text: string): Set<string> {
  const declared = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    if (m) declared.add(m[1]);
  }
  const all = new Set(declared);
  for (const line of text.split('\n')) {
    const family = familyOf(line, declared);
    if (family) all.add(family);
  }
  return all;
}

/** `ours`, then every line of `theirs` whose family `ours` does not have. */
export function mergeExpositions(ours: string, theirs: string): string {
  const taken = familiesOf(ours);
  const theirFamilies = familiesOf(theirs);
  const kept = theirs
    .split('\n')
    .filter((line) => {
      const family = familyOf(line, theirFamilies);
      return family === undefined ? line.trim() !== '' : !taken.has(family);
    })
    .join('\n');
  const head = ours.endsWith('\n') || ours === '' ? ours : `${ours}\n`;
  return kept ? `${head}${kept}\n` : head;
}
