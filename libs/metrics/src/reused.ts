/**
 * `read`, shared: a call while it runs, or within `ms` after it answered, gets that answer. `/metrics` needs no
 * token, so each scrape must not be a database query of its own; Prometheus scrapes every 15 s or more.
 * A failed read is not kept: the next call tries again.
 */
export function reusedFor<T>(
  ms: number,
  read: () => Promise<T>,
  now: () => number = Date.now,
): () => Promise<T> {
  let last: { at: number; answer: Promise<T> } | undefined;
  return () => {
    if (last && now() - last.at < ms) return last.answer;
    const answer = read();
    const current = { at: now(), answer };
    last = current;
    answer.catch(() => {
      if (last === current) last = undefined;
    });
    return answer;
  };
}
