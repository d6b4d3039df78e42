import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parsePlanDocument } from '../../../libs/plan/src';
import { EXIT, main } from './main';

const examples = join(__dirname, '../../../examples');
const dir = mkdtempSync(join(tmpdir(), 'plan-cli-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('plan CLI', () => {
  it('imports Markdown: plan to stdout, report to stderr', async () => {
    const { code, stdout, stderr } = await run('plan', 'import', join(examples, 'merchant-platform.md'));
    expect(code).toBe(EXIT.OK);
    expect(parsePlanDocument(stdout).ok).toBe(true);
    expect(stderr).toContain('0 not understood');
    expect(stderr).toContain('note, line 14');
  });

  it('imports to JSON on request', async () => {
    const { stdout } = await run('plan', 'import', join(examples, 'admin-panel.md'), '--format', 'json');
    expect((JSON.parse(stdout) as { metadata: { name: string } }).metadata.name).toBe('admin-panel');
  });

  it('lists lines it did not understand', async () => {
    const { code, stderr } = await run(
      'plan',
      'import',
      file('odd.md', '# P\n\n## Phase 1: A\n- do it\n\n## Risks\n- weather\n'),
    );
    expect(code).toBe(EXIT.OK);
    expect(stderr).toContain('not understood, line 6: ## Risks');
    expect(stderr).toContain('not understood, line 7: - weather');
  });

  it('reports text kept without a fact, and names a plan with a generic title after its file', async () => {
    const { code, stdout, stderr } = await run(
      'plan',
      'import',
      file('search-reindex.md', '# Rollout plan\n\n## Phase 1: A\n\nWhy we do it.\n\n- do it\n'),
      '--format',
      'json',
    );
    expect(code).toBe(EXIT.OK);
    expect(stderr).toContain('not understood, line 5: Why we do it. (kept as phases[0].description)');
    expect((JSON.parse(stdout) as { metadata: { name: string } }).metadata.name).toBe('search-reindex');
  });

  it('validates Markdown and YAML plans', async () => {
    expect((await run('plan', 'validate', join(examples, 'admin-panel.md'))).code).toBe(EXIT.OK);
    const ok = await run('plan', 'validate', join(examples, 'admin-panel.plan.yaml'));
    expect(ok.code).toBe(EXIT.OK);
    expect(ok.stdout).toContain('valid plan "admin-panel" with 3 phase(s)');
  });

  it('prints every error with line, path and message', async () => {
    const yaml =
      'apiVersion: rollout/v1\nkind: RolloutPlan\nmetadata: { name: x }\nphases:\n  - id: a\n    name: A\n    soak: P1W\n  - id: a\n    name: B\n';
    const bad = await run('plan', 'validate', file('bad.yaml', yaml));
    expect(bad.code).toBe(EXIT.INVALID);
    expect(bad.stderr).toContain('line 7: phases[0].soak: unknown key "soak"');
    const dup = await run('plan', 'validate', file('dup.yaml', yaml.replace('    soak: P1W\n', '')));
    expect(dup.stderr).toContain('line 7: phases[1].id: duplicate id "a"');
  });

  it('explains a plan', async () => {
    const { code, stdout } = await run('plan', 'explain', join(examples, 'merchant-platform.md'));
    expect(code).toBe(EXIT.OK);
    expect(stdout).toContain('Phases (4):');
    expect(stdout).toContain('error-rate: error_rate > 5% for 5 minutes → rollback (quick)');
    expect(stdout).toContain('Quick Rollback [quick] — within 5 minutes');
    expect(stdout).toContain('after 3 months: Full retrospective');
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.md'), 'no such file'],
    ['a directory', () => dir, 'is a directory'],
    [
      'binary bytes',
      () => file('bin.md', Buffer.from([0x23, 0x20, 0x00, 0xff, 0xfe, 0x01])),
      'not UTF-8 text',
    ],
    ['NUL bytes in UTF-8', () => file('nul.md', '# Plan\u0000'), 'binary bytes'],
  ])('gives one clear line for %s', async (_, path, message) => {
    const { code, stderr } = await run('plan', 'validate', path());
    expect(code).toBe(EXIT.USAGE);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it.each([
    ['an empty document', 'empty.md', '', 'the document is empty'],
    ['malformed YAML', 'broken.yaml', 'phases: [\n', 'malformed YAML'],
  ])('reports %s as invalid', async (_, name, content, message) => {
    const { code, stderr } = await run('plan', 'validate', file(name, content));
    expect(code).toBe(EXIT.INVALID);
    expect(stderr).toContain(message);
  });

  it('refuses a 10 MB file without reading it as a plan', async () => {
    const { code, stderr } = await run(
      'plan',
      'import',
      file('huge.md', `# Plan\n${'- item\n'.repeat(1_500_000)}`),
    );
    expect(code).not.toBe(EXIT.OK);
    expect(stderr).toMatch(/limited to/);
  });

  it('rejects unknown commands and options with a usage error', async () => {
    expect((await run('plan', 'frobnicate')).code).toBe(EXIT.USAGE);
    expect((await run('plan', 'import', 'x.md', '--format', 'toml')).code).toBe(EXIT.USAGE);
  });
});
