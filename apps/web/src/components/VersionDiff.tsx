import { Code, Text, Title } from '@mantine/core';
import { diffLines } from 'diff';
import { stringify } from 'yaml';

/** A plan version's canonical YAML, from its validated JSON (rollout/v1). */
export function canonicalYaml(planJson: string): string {
  return stringify(JSON.parse(planJson), { lineWidth: 0 });
}

export interface DiffLine {
  kind: 'added' | 'removed' | 'same';
  text: string;
}

/** The line-by-line difference between two YAML texts (jsdiff's diffLines). */
export function yamlDiff(from: string, to: string): DiffLine[] {
  return diffLines(from, to).flatMap((part) =>
    part.value
      .replace(/\n$/, '')
      .split('\n')
      .map((text): DiffLine => ({ kind: part.added ? 'added' : part.removed ? 'removed' : 'same', text })),
  );
}

const MARK = { added: '+ ', removed: '- ', same: '  ' } as const;
const BACKGROUND = { added: '#d3f9d8', removed: '#ffe3e3', same: undefined } as const;

/** The difference between two versions, as + and - lines (unchanged lines in between). */
export function VersionDiff({
  from,
  to,
  fromId,
  toId,
}: {
  from: string;
  to: string;
  fromId: string;
  toId: string;
}) {
  const lines = yamlDiff(canonicalYaml(from), canonicalYaml(to));
  const changed = lines.filter((l) => l.kind !== 'same').length;
  return (
    <section aria-label={`Difference from ${fromId} to ${toId}`}>
      <Title order={3} size="h5">
        From {fromId} to {toId}
      </Title>
      <Text size="sm" role="status">
        {changed === 0
          ? 'The two versions hold the same plan.'
          : `${lines.filter((l) => l.kind === 'added').length} lines added, ${lines.filter((l) => l.kind === 'removed').length} removed.`}
      </Text>
      <Code block>
        {lines.map((l, i) => (
          <div key={i} data-kind={l.kind} style={{ background: BACKGROUND[l.kind] }}>
            {MARK[l.kind]}
            {l.text}
          </div>
        ))}
      </Code>
    </section>
  );
}
