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
  | 'settings';

export type PhasePartKind =
  'checklist' | 'audience' | 'flags' | 'description' | 'duration' | 'communications' | 'guardrails' | 'owner';

/** Order matters: "Rollback signals" is a guardrail section before it is a rollback section. */
const SECTION_WORDS: [RegExp, SectionKind][] = [
  [
    /^(?:phase|stage|step|wave|ring|milestone|rollout\s+step)(?:\s*\d+\b|\s+(?:[ivx]+|[a-z])\b|\s*[:.\-–—])/i,
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
  [/\b(?:feature\s+)?(?:flags?|toggles?|switches)\b/i, 'flags'],
  [
    /\bpost[- ]?(?:launch|rollout|release|ga)\b|\bfollow[- ]?ups?\b|\bretro(?:spective)?s?\b|\breviews?\b|\bafter\s+(?:launch|rollout)\b|\bcheck[- ]?ins?\b/i,
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

export function sectionKindOf(title: string): SectionKind | undefined {
  return SECTION_WORDS.find(([pattern]) => pattern.test(title.trim()))?.[1];
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

export function phasePartOf(label: string): PhasePartKind | undefined {
  const text = label.replace(/[:*_`]/g, '').trim();
  return PHASE_PART_WORDS.find(([pattern]) => pattern.test(text))?.[1];
}

/** "Phase 2: Pilot Merchants" → "Pilot Merchants"; "Stage 3" stays "Stage 3". */
export function stripPhasePrefix(title: string): string {
  const stripped = title
    .replace(
      /^(?:phase|stage|step|wave|ring|milestone|rollout\s+step)\s*(?:\d+|[ivx]+|[a-z])?\s*[:.)\-–—]\s*/i,
      '',
    )
    .trim();
  return stripped === '' ? title.trim() : stripped;
}
