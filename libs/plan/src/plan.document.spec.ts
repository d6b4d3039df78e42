import { readFileSync } from 'fs';
import { join } from 'path';
import { importMarkdown } from './markdown/import';
import { PlanMessages as M } from './plan.messages';
import { MAX_DOCUMENT_CHARS, parsePlanDocument, serializePlan } from './plan.document';

const minimal = `apiVersion: rollout/v1
kind: RolloutPlan
metadata: { name: demo }
phases:
  - id: pilot
    name: Pilot
`;

describe('parsePlanDocument', () => {
  it('parses YAML and JSON', () => {
    expect(parsePlanDocument(minimal).ok).toBe(true);
    const json = JSON.stringify({
      apiVersion: 'rollout/v1',
      kind: 'RolloutPlan',
      metadata: { name: 'demo' },
      phases: [{ id: 'a', name: 'A' }],
    });
    expect(parsePlanDocument(json, { format: 'json' }).ok).toBe(true);
  });

  it('reports malformed YAML with its line', () => {
    const result = parsePlanDocument('apiVersion: rollout/v1\nphases:\n  - id: [unclosed\n');
    expect(result.ok).toBe(false);
    expect(result.errors[0].message).toMatch(/^malformed YAML: /);
    expect(result.errors[0].line).toBeGreaterThan(1);
  });

  it('reports duplicate keys as malformed', () => {
    expect(parsePlanDocument(`${minimal}phases: []\n`).errors[0].message).toMatch(/malformed YAML/);
  });

  it('locates schema errors in the YAML text', () => {
    const result = parsePlanDocument(minimal.replace('    name: Pilot', '    name: Pilot\n    colour: red'));
    expect(result.errors).toEqual([{ path: 'phases[0].colour', line: 7, message: 'unknown key "colour"' }]);
  });

  it.each([
    ['an empty document', '', M.EMPTY_DOCUMENT],
    ['whitespace', '  \n\n ', M.EMPTY_DOCUMENT],
    ['binary bytes', 'apiVersion: \u0000\u0001\u0002', M.BINARY_DOCUMENT],
    ['a scalar', 'just text', M.NOT_AN_OBJECT],
    ['a list', '- 1\n- 2', M.NOT_AN_OBJECT],
  ])('rejects %s', (_, text, message) => {
    const result = parsePlanDocument(text);
    expect(result.ok).toBe(false);
    expect(result.errors[0].message).toBe(message);
  });

  it('rejects a 10 MB document quickly, in both readers', () => {
    const huge = `# Plan\n${'- item line\n'.repeat(900_000)}`;
    expect(huge.length).toBeGreaterThan(10_000_000);
    const started = Date.now();
    expect(parsePlanDocument(huge).errors[0].message).toBe(
      M.DOCUMENT_TOO_LARGE(huge.length, MAX_DOCUMENT_CHARS),
    );
    expect(importMarkdown(huge).report.errors[0].message).toBe(
      M.DOCUMENT_TOO_LARGE(huge.length, MAX_DOCUMENT_CHARS),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('survives alias bombs', () => {
    const bomb =
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    expect(parsePlanDocument(bomb).ok).toBe(false);
  });
});

describe('serializePlan', () => {
  it('round-trips an imported plan through YAML and JSON', () => {
    const { plan } = importMarkdown(
      readFileSync(join(__dirname, '../../../examples/merchant-platform.md'), 'utf8'),
    );
    for (const format of ['yaml', 'json'] as const) {
      const result = parsePlanDocument(serializePlan(plan, format), { format });
      expect(result.ok && result.plan).toEqual(plan);
    }
    expect(serializePlan(plan)).toContain('source: { line: 3 }');
  });
});
