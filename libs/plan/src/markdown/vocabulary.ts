/**
 * The words teams use for each part of a plan. Synonyms land on the same kind, so a document that says
 * "Stage" / "Exit criteria" / "Abort conditions" maps exactly like one that says "Phase" / "Checklist" /
 * "Rollback signals".
 */

export type SectionKind =
  | 'phase'
  | 'phases'
  | 'flags'
  | 'rollback'
  | 'guardrails'
  | 'metrics'
  | 'monitoring'
  | 'communications'
  | 'reviews'
  | 'settings'
  | 'criteria';

export type PhasePartKind =
  | 'checklist'
  | 'approvals'
  | 'audience'
  | 'flags'
  | 'description'
  | 'duration'
  | 'maxDuration'
  | 'communications'
  | 'guardrails'
  | 'owner';

/** Order matters: "Rollback signals" is a guardrail section before it is a rollback section. */
const SECTION_WORDS: [RegExp, SectionKind][] = [
  [
    /^(?:(?:phase|stage|step|wave|ring|milestone|rollout\s+step|cohort|tier|batch)(?:\s*\d+\b|\s+(?:[ivx]+|[a-z]|zero|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth|final|last)\b|\s*[:.\-–—])|p\d+\b)/i,
    'phase',
  ],
  [
    /\b(?:roll-?\s*back|abort|kill|halt|stop|revert|back-?out|pause)\s+(?:signals?|triggers?|criteria|conditions?|thresholds?|rules?)\b|\bwhen\s+to\s+(?:roll\s*back|abort|halt|stop|revert)\b|\bguardrails?\b|\balert(?:s|ing)?\b|\bthresholds?\b|\bslos?\b|\btripwires?\b/i,
    'guardrails',
  ],
  [
    /\bcommunications?\b|\bcomms\b|\bannouncements?\b|\bstakeholder\s+updates?\b|\bmessaging\b|\boutreach\b/i,
    'communications',
  ],
  [
    /\b(?:roll-?\s*back|kill[- ]?switch(?:es)?|back-?out|revert|contingency|undo|recovery|disaster)\b/i,
    'rollback',
  ],
  [/\b(?:feature\s+)?(?:flags?|toggles?|switches)\b|\bremote[- ]?config(?:uration)?\b/i, 'flags'],
  [
    /\bpost[- ]?(?:launch|rollout|release|ga|change|deploy(?:ment)?|migration|cutover)\b|\bfollow[- ]?ups?\b|\bretro(?:spective)?s?\b|\breviews?\b|\bafter\s+(?:launch|rollout)\b|\bcheck[- ]?ins?\b/i,
    'reviews',
  ],
  [/\b(?:key\s+)?metrics\b|\bkpis?\b|\bsignals\b|\bindicators\b|\bdashboards?\b/i, 'metrics'],
  [/\bmonitoring\b|\bobservability\b|\bwatch\b/i, 'monitoring'],
  [
    /\b(?:phases|stages|waves|rings|timeline|schedule|milestones|rollout\s+plan|rollout\s+steps)\b/i,
    'phases',
  ],
  [/\bsettings\b|\bconfiguration\b|\bretention\b|\bcompliance\s+settings\b/i, 'settings'],
];

/**
 * Titles beyond the phrases above, read by the roots of their words: "Red lines" and "What we watch, and when
 * we stop" are guardrails, "If we need to go back" is a rollback, "After release" holds reviews, "Promotion
 * criteria" and "Gates" hold the exit criteria of stages named inside.
 */
const SECTION_ROOTS: [RegExp, SectionKind][] = [
  [
    /\bred[- ]lines?\b|^(?:abort|halt|stop|kill|bail)\s*$|\bwhat\s+stops\b|\bstops?\s+(?:a|the)\s+\w+|\bwhen\s+(?:we|to)\s+(?:stop|halt|abort|pause|pull|bail)|\b(?:stop|abort|halt|kill|bail)(?:ping)?\s+(?:rules?|if|when)\b|\bblockers?\b.*\broll/i,
    'guardrails',
  ],
  [
    /\b(?:abort|stop|halt|exit|back-?out)\s+(?:procedure|plan|steps|runbook|playbook)\b|\brunbook\b|\bgo(?:ing)?\s+back\b|\bback\s+out\b|\bundo(?:ing)?\b|\bfall\s*back\b|\bescape\s+hatch\b|\bunwind\b|\brevert(?:ing)?\b/i,
    'rollback',
  ],
  [
    /\b(?:promotion|exit|entry|advance(?:ment)?|graduation)\s+(?:criteria|gates?|rules?|conditions?)\b|\bgates?\b|\bgo\/no[- ]?go\b|\bcriteria\b|\bbefore\s+(?:we\s+)?(?:promot|advanc|mov|widen)/i,
    'criteria',
  ],
  [/^defaults?$|\bdefaults$|\bdefault\s+(?:states?|values?|settings?)\b|\bstarting\s+states?\b/i, 'flags'],
  [/\bafter(?:wards)?\b|\blater\b|\bclean[- ]?up\b|\bwrap[- ]?up\b|\bretro/i, 'reviews'],
  [/\bwatch(?:ing)?\b|\bsignals?\b|\bhealth\b/i, 'monitoring'],
];

export function sectionKindOf(title: string): SectionKind | undefined {
  const text = title.trim();
  const kind = SECTION_WORDS.find(([pattern]) => pattern.test(text))?.[1];
  if (kind === 'monitoring' || kind === 'metrics' || kind === 'rollback') {
    // "What we watch, and when we stop", "Promotion blockers that roll back": the stop decides.
    const stop = SECTION_ROOTS[0][0].test(text);
    if (stop) return 'guardrails';
  }
  return kind ?? SECTION_ROOTS.find(([pattern]) => pattern.test(text))?.[1];
}

const PHASE_PART_WORDS: [RegExp, PhasePartKind][] = [
  [
    /^(?:check\s*list|exit\s+criteria|entry\s+criteria|acceptance\s+criteria|success\s+criteria|criteria|gates?|go\/no[- ]?go|tasks|to-?dos?|readiness|done\s+when|definition\s+of\s+done|prerequisites|pre-?reqs|requirements|checks|steps|actions|activities|exit\s+gates?)$/i,
    'checklist',
  ],
  [
    /^(?:audience|scope|who|participants|cohort|target(?:\s+group)?|users|traffic|exposure|population|reach|rollout\s+to)$/i,
    'audience',
  ],
  [/^(?:(?:feature\s+)?flags?|toggles?|flag\s+states?|feature\s+toggles|switches|features)$/i, 'flags'],
  [/^(?:objectives?|goals?|purpose|description|summary|focus|aim|intent|overview|notes?)$/i, 'description'],
  [/^(?:duration|timeline|soak(?:\s+time)?|length|time\s*box|timing|when|bake\s+time|period)$/i, 'duration'],
  [/^(?:communications?|comms|announcements?|messaging)$/i, 'communications'],
  [
    /^(?:(?:roll-?\s*back|abort|kill|halt|stop)\s+(?:signals?|triggers?|criteria|conditions?|when)|guardrails?|alerts?|alert\s+thresholds?|thresholds?)$/i,
    'guardrails',
  ],
  [/^(?:owners?|dri|lead|responsible|accountable)$/i, 'owner'],
];

/**
 * Labels beyond the exact words, by the roots they contain: "Minimum time in stage" is a duration, "Longest
 * time" its maximum, "Who gets it" the audience, "Approver" a sign-off, "Flags on" the flag states.
 */
const PHASE_PART_ROOTS: [RegExp, PhasePartKind][] = [
  [
    /\b(?:max(?:imum)?|longest|at\s+most|no\s+more\s+than|up\s+to|until|deadline|time-?out)\b.*\b(?:time|duration|length|days?|weeks?|soak|stay|dwell)\b|^(?:max(?:imum)?|longest)$/i,
    'maxDuration',
  ],
  [
    /\b(?:time|duration|length|soak|bake|dwell|stay|how\s+long|days?|weeks?|hours?|wait|hold|runs?\s+for|lasts|for\s+how\s+long)\b|^min(?:imum)?$/i,
    'duration',
  ],
  [
    /\b(?:approv\w*|sign(?:s|ed)?[- ]?offs?|signatory|signatories|sign-?er)\b|\bgo\/no[- ]?go\s+(?:owner|by|who)\b/i,
    'approvals',
  ],
  [/\b(?:flags?|toggles?|switch(?:es)?|feature\s+states?|remote[- ]?config(?:uration)?)\b/i, 'flags'],
  [
    /\b(?:audience|who|cohort|users?|traffic|exposure|population|reach|segment|percent(?:age)?|share|split|size|gets\s+it|regions?|brands?|clusters?|markets?|countries|customers|tenants|accounts|scope|%)\b|%/i,
    'audience',
  ],
  [
    /\b(?:criteri\w*|gates?|exit|promot\w*|checks?|tasks?|prerequisites?|requirements?|ready|readiness|done|advance)\b/i,
    'checklist',
  ],
  [/\b(?:owners?|owned|dri|lead|driver|responsible|accountable|on\s+point)\b/i, 'owner'],
  [/\b(?:comms|communicat\w*|announce\w*|messag\w*|notif\w*|tell)\b/i, 'communications'],
  [/\b(?:abort|kill|halt|stop|roll-?\s*back|guardrails?|alerts?|thresholds?)\b/i, 'guardrails'],
  [/\b(?:notes?|goals?|objectives?|purpose|summary|description|about|what|why|context)\b/i, 'description'],
];

export function phasePartOf(label: string): PhasePartKind | undefined {
  const text = label.replace(/[:*_`.]/g, '').trim();
  if (text === '' || text.length > 48) return undefined;
  return (
    PHASE_PART_WORDS.find(([pattern]) => pattern.test(text))?.[1] ??
    PHASE_PART_ROOTS.find(([pattern]) => pattern.test(text))?.[1]
  );
}

/** A duration label that says which end it sets: "Minimum duration" → min, "Max soak" → max. */
export function durationEndOf(label: string): 'min' | 'max' | undefined {
  if (/\b(?:max(?:imum)?|longest|at\s+most|no\s+more\s+than|up\s+to)\b/i.test(label)) return 'max';
  if (/\b(?:min(?:imum)?|shortest|at\s+least|no\s+less\s+than)\b/i.test(label)) return 'min';
  return undefined;
}

const PHASE_WORD = String.raw`phase|stage|step|wave|ring|milestone|rollout\s+step|cohort|tier|batch`;
const ORDINAL = String.raw`\d+|[ivx]+|[a-z]|zero|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth|sixth|final|last`;
const PREFIXES = [
  /^\d+\s*[.)]\s+/,
  new RegExp(String.raw`^(?:${PHASE_WORD})\s*(?:${ORDINAL})?\s*[:.)\-–—]\s*`, 'i'),
  new RegExp(String.raw`^(?:${PHASE_WORD})\s+(?:${ORDINAL})\s*[:.)\-–—]\s*`, 'i'),
  /^p\d+\s*[:.)\-–—]?\s+/i,
  // Short stage codes: "S1 — 2% trial", "W2: Europe".
  /^[a-z]{1,2}\d+\s*[:.)\-–—]\s+/i,
  /^[a-z]\d+\s+(?=\S)/i,
];

/** "Phase 2: Pilot Merchants" → "Pilot Merchants", "1. Wave one: Europe" → "Europe"; "Stage 3" stays "Stage 3". */
export function stripPhasePrefix(title: string): string {
  let stripped = title.trim();
  for (let changed = true; changed;) {
    changed = false;
    for (const prefix of PREFIXES) {
      const next = stripped.replace(prefix, '').trim();
      if (next !== stripped && next !== '') [stripped, changed] = [next, true];
    }
  }
  return stripped === '' ? title.trim() : stripped;
}
