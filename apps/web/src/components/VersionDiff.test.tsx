import { screen } from '@testing-library/react';
import { renderUi } from '../../test/render';
import { canonicalYaml, VersionDiff, yamlDiff } from './VersionDiff';

const v1 = JSON.stringify({ apiVersion: 'rollout/v1', name: 'p', phases: [{ id: 'a', soak: 'PT1H' }] });
const v2 = JSON.stringify({
  apiVersion: 'rollout/v1',
  name: 'p',
  phases: [
    { id: 'a', soak: 'PT2H' },
    { id: 'b', soak: 'PT1H' },
  ],
});

describe('plan version diff', () => {
  it('writes a version as canonical YAML', () => {
    expect(canonicalYaml(v1)).toBe('apiVersion: rollout/v1\nname: p\nphases:\n  - id: a\n    soak: PT1H\n');
  });

  it('marks removed and added lines, keeping unchanged ones', () => {
    const from = canonicalYaml(v1);
    const to = canonicalYaml(v2);
    const lines = yamlDiff(from, to);
    // Unchanged + removed lines give the old text back, unchanged + added the new one.
    const text = (kinds: string[]) =>
      lines
        .filter((l) => kinds.includes(l.kind))
        .map((l) => `${l.text}\n`)
        .join('');
    expect(text(['same', 'removed'])).toBe(from);
    expect(text(['same', 'added'])).toBe(to);
    expect(lines.filter((l) => l.kind === 'added').map((l) => l.text)).toEqual([
      '    soak: PT2H',
      '  - id: b',
    ]);
    expect(lines[0]).toEqual({ kind: 'same', text: 'apiVersion: rollout/v1' });
  });

  it('says when two versions hold the same plan', () => {
    renderUi(<VersionDiff from={v1} to={v1} fromId="p@1" toId="p@2" />);
    expect(screen.getByRole('status').textContent).toBe('The two versions hold the same plan.');
  });
});
