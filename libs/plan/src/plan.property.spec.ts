import fc from 'fast-check';
import { stringify } from 'yaml';
import { importMarkdown } from './markdown/import';
import { auditImport } from './markdown/import.audit';
import { parsePlanDocument } from './plan.document';
import { validatePlan } from './plan.validate';

/** Fragments plans are made of, so generated documents reach deep into the importer rather than bounce off. */
const fragment = fc.constantFrom(
  '# Rollout Plan – Thing',
  '## Phase 1: Pilot (Week 2-3)',
  '## Stage 2 — Beta (Week 6+)',
  '### Exit criteria',
  '## Rollout Stages',
  '## Feature Flags',
  '## Rollback Plan',
  '### Quick Rollback (< 5 min)',
  '## Kill switch',
  '## Abort conditions',
  '## Alert Thresholds',
  '## Communication Plan',
  '## Post-Launch Review',
  '## Follow-ups',
  '## Monitoring',
  '### Key Metrics',
  '## Settings',
  '- **Checklist**',
  '- **Scope**: bars (≤5) and agents (≤3)',
  '  - [ ] Approved by Compliance.',
  '  - [x] Green for 24h',
  '- `flag_a: true` (if ready)',
  '- Feature flags:',
  '  - `flag_b: false`',
  '- Error rate > 5% for 5 min',
  '- Outages >30 minutes',
  '- Week 2: Metrics review',
  '- Month 3: Retro',
  '1. Revert deployment to previous version',
  '2. Disable `flag_a`',
  '| Flag | Default | Pilot |',
  '|---|---|---|',
  '| `flag_a` | false | true |',
  '| Phase | Duration |',
  '| Canary | 48 hours |',
  '- 5 pilot merchants',
  '- Audit log retention (≥90 days)',
  '> quote',
  '```',
  'code',
  '<div>',
  '---',
  '',
  '- ',
  '**Checklist:**',
  '- Week 0: nothing',
  '- Days 9-3',
  '- P99 < -5 ms over 0 minutes',
  '- Policy engine misconfiguration',
);
const line = fc.oneof(
  { weight: 4, arbitrary: fragment },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const markdown = fc.array(line, { maxLength: 40 }).map((lines) => lines.join('\n'));

const planLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      'rollout/v1',
      'RolloutPlan',
      'PT5M',
      'P0D',
      '-P1D',
      'quick',
      '>',
      'sustained',
      'rollback',
      true,
      false,
      0,
      -1,
      5.5,
      null,
    ),
    fc.string({ maxLength: 10 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom(
        'apiVersion',
        'kind',
        'metadata',
        'name',
        'phases',
        'id',
        'flags',
        'key',
        'default',
        'checklist',
        'kind',
        'duration',
        'min',
        'max',
        'guardrails',
        'action',
        'type',
        'level',
        'rollback',
        'levels',
        'steps',
        'reviews',
        'after',
        'source',
        'line',
        'zzz',
      ),
      tie('value'),
      { maxKeys: 6 },
    ),
  ),
})).value;

describe('robustness', () => {
  it('imports thousands of generated Markdown documents without throwing, accounting for every line', () => {
    fc.assert(
      fc.property(markdown, (text) => {
        const result = importMarkdown(text);
        expect(Array.isArray(result.report.errors)).toBe(true);
        if (result.report.errors.every((e) => e.path !== '')) expect(auditImport(text, result)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('validates thousands of generated objects and YAML texts without throwing', () => {
    fc.assert(
      fc.property(planLike, (value) => {
        const result = validatePlan(value);
        expect(result.ok || result.errors.length > 0).toBe(true);
        const text = stringify(value);
        const parsed = parsePlanDocument(text);
        expect(parsed.ok || parsed.errors.length > 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses arbitrary text as YAML without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const parsed = parsePlanDocument(text);
        expect(parsed.ok || parsed.errors.length > 0).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
