import { z } from 'zod';
import { ID_PATTERN } from '../rollouts/dto/ids';

// The one place that says what a sane input is, for GraphQL arguments (every one, through the query-limits
// plugin), REST query parameters and the Alertmanager payload: ids by one pattern, text without NUL or other
// control characters (tab and line breaks aside) and without lone UTF-16 surrogates, finite numbers, and
// timestamps within ten years of now. A value that fails is refused (BAD_USER_INPUT, HTTP 400) before any
// resolver, query or workflow sees it.

export { ID_PATTERN };

/** C0 controls but tab, line feed and carriage return; DEL; C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** How far from now a timestamp may be: a reading from 1970 or from the year 275760 is a mistake. */
export const TIMESTAMP_WINDOW_MS = 10 * 366 * 24 * 3600 * 1000;

/** Why this text cannot be taken, or undefined when it can. */
export function textProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'must not contain NUL or other control characters';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

/** Why this timestamp cannot be taken, or undefined when it can. */
export function timestampProblem(value: Date, now = Date.now()): string | undefined {
  const t = value.getTime();
  if (!Number.isFinite(t)) return 'must be a valid timestamp';
  if (Math.abs(t - now) > TIMESTAMP_WINDOW_MS) return 'must be within ten years of now';
  return undefined;
}

/** Text as zod sees it: a string that `textProblem` accepts. */
export const safeText = z.string().superRefine((value, ctx) => {
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A rollout (phase, item) id: lowercase letters, digits and dashes. */
export const idText = z
  .string()
  .regex(
    ID_PATTERN,
    'must be lowercase letters, digits and dashes (at most 63, starting with one of the first two)',
  );

export const finiteNumber = z.number().finite();

/** A timestamp within TIMESTAMP_WINDOW_MS of now (read at each check). */
export const saneTimestamp = z.date().superRefine((value, ctx) => {
  const problem = timestampProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The same, given as milliseconds since the epoch (as cursors carry it). */
export const saneEpochMillis = finiteNumber.superRefine((value, ctx) => {
  const problem = timestampProblem(new Date(value));
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Go's zero time, which Alertmanager sends for "not set" (an alert still firing has no end). */
const GO_ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?Z$/;

/** A timestamp given as text (ISO 8601), as Alertmanager sends them; Go's zero time is "not set". */
export const saneTimestampText = safeText.max(64).superRefine((value, ctx) => {
  if (GO_ZERO_TIME.test(value)) return; // Alertmanager's "no end yet"
  const problem = timestampProblem(new Date(value));
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Every problem of an argument value, walked through objects and lists: `path: problem` lines. Strings by
 * `textProblem`, numbers finite, dates by `timestampProblem`. Object keys are checked as text too.
 */
export function valueProblems(value: unknown, path: string, now = Date.now(), out: string[] = []): string[] {
  if (out.length >= 10) return out;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) out.push(`${path} ${problem}`);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push(`${path} must be a finite number`);
  } else if (value instanceof Date) {
    const problem = timestampProblem(value, now);
    if (problem) out.push(`${path} ${problem}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => valueProblems(v, `${path}[${i}]`, now, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const problem = textProblem(k);
      if (problem) out.push(`${path} has a key that ${problem}`);
      else valueProblems(v, `${path}.${k}`, now, out);
    }
  }
  return out;
}

/** The problems of a zod error, one line each ("alerts.0.labels.rollout: …"). */
export function zodProblems(error: z.ZodError, root = 'body'): string[] {
  return error.issues.map((i) => `${i.path.map(String).join('.') || root}: ${i.message}`);
}
