/** Every validation message a plan can produce, so the CLI, the API and tests speak the same words. */
export const PlanMessages = {
  EMPTY_DOCUMENT: 'the document is empty',
  DOCUMENT_TOO_LARGE: (size: number, limit: number) =>
    `the document has ${size.toLocaleString('en')} characters; plans are limited to ${limit.toLocaleString('en')}`,
  BINARY_DOCUMENT: 'the document contains binary bytes; expected UTF-8 text',
  MALFORMED_DOCUMENT: (format: string, detail: string) => `malformed ${format}: ${detail}`,
  NOT_AN_OBJECT: 'the document must be a mapping with apiVersion, kind, metadata and phases',

  DURATION_FORMAT: 'must be an ISO-8601 duration such as PT5M, PT24H, P2W or P3M',
  DURATION_NEGATIVE: 'must not be negative',
  DURATION_ZERO: 'must be longer than zero',
  DURATION_TOO_LONG: 'is longer than 10 years',
  DURATION_MAX_BELOW_MIN: (min: string, max: string) => `max ${max} is shorter than min ${min}`,

  ID_FORMAT: 'must be a lowercase slug (a-z, 0-9 and "-", at most 63 characters)',
  FLAG_KEY_FORMAT: 'must be a flag key (letters, digits, "_", "-" or ".", starting with a letter)',
  METRIC_FORMAT: 'must be a metric name (letters, digits, "_", ":" or ".", starting with a letter)',
  DUPLICATE_ID: (id: string, firstPath: string) => `duplicate id "${id}" (first used at ${firstPath})`,
  NO_PHASES: 'a plan needs at least one phase',
  UNKNOWN_FLAG: (key: string) => `unknown flag "${key}": add it to the plan's flags registry`,
  FLAG_TYPE_MISMATCH: (key: string, expected: string) =>
    `flag "${key}" is a ${expected} flag (from its default); use a ${expected} value`,
  UNKNOWN_ROLLBACK_LEVEL: (level: string, known: string[]) =>
    known.length > 0
      ? `unknown rollback level "${level}" (levels: ${known.join(', ')})`
      : `unknown rollback level "${level}": the plan has no rollback levels`,
  UNKNOWN_PHASE: (phase: string) => `unknown phase "${phase}"`,
  SUSTAIN_REQUIRED: 'a sustained checklist item needs `sustain` (how long the condition must hold)',
  SUSTAIN_ONLY_FOR_SUSTAINED: '`sustain` applies only to items of kind sustained',
  EVERY_TOO_SHORT: 'a check-in recurs at most hourly: `every` must be PT1H or longer',
  MODE_WITHOUT_WINDOW: '`mode` needs a `window` to apply to',
  PERCENT_RANGE: 'a percentage threshold must lie between 0 and 100',
  SET_FLAGS_EMPTY: 'a set-flags step must set at least one flag',
} as const;
