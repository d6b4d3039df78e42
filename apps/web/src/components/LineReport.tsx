import { Badge, Code, Group, List, Table, Text, Title } from '@mantine/core';
import { tone } from '../theme';

export interface ReportInput {
  mappedLines: number;
  /** Lines understood, each with the facts it gave the plan. */
  mapped: readonly { line: number; to: string; facts: readonly string[] }[];
  /** Lines that gave no fact; `keptAs` names the element their text was kept in, if any. */
  unmapped: readonly { line: number; text: string; keptAs?: string | null }[];
  notes: readonly { line: number; text: string }[];
  errors: readonly { line?: number | null; path: string; message: string }[];
}

export type LineKind = 'mapped' | 'not understood' | 'note' | 'error' | 'blank';

export interface ReportLine {
  line: number;
  text: string;
  kind: LineKind;
  /** What the line became, e.g. `phase 2 approval by legal`; empty unless understood. */
  facts: readonly string[];
  /** For a line not understood: the plan element its text was kept in. */
  keptAs?: string;
  /** Notes and errors the importer attached to the line. */
  messages: string[];
}

/**
 * Every source line with what the importer made of it: an error at the line wins; a line understood (it
 * gave a fact) is mapped, or a note when the importer noted something about it; any other non-blank line
 * was not understood. Errors without a line are the document's.
 */
export function reportLines(
  source: string,
  report: ReportInput,
): { lines: ReportLine[]; documentErrors: string[] } {
  const mapped = new Map(report.mapped.map((m) => [m.line, m.facts]));
  const keptAs = new Map(report.unmapped.map((u) => [u.line, u.keptAs ?? undefined]));
  const notes = new Map<number, string[]>();
  for (const n of report.notes) notes.set(n.line, [...(notes.get(n.line) ?? []), n.text]);
  const errors = new Map<number, string[]>();
  const documentErrors: string[] = [];
  for (const e of report.errors) {
    const text = e.path ? `${e.path}: ${e.message}` : e.message;
    if (e.line) errors.set(e.line, [...(errors.get(e.line) ?? []), text]);
    else documentErrors.push(text);
  }
  const lines = source.split(/\r?\n/).map((text, i): ReportLine => {
    const line = i + 1;
    const messages = [...(errors.get(line) ?? []), ...(notes.get(line) ?? [])];
    const facts = mapped.get(line) ?? [];
    let kind: LineKind;
    if (errors.has(line)) kind = 'error';
    else if (text.trim() === '') kind = 'blank';
    else if (!mapped.has(line)) kind = 'not understood';
    else if (notes.has(line)) kind = 'note';
    else kind = 'mapped';
    const kept = keptAs.get(line);
    return { line, text, kind, facts, ...(kept ? { keptAs: kept } : {}), messages };
  });
  return { lines, documentErrors };
}

const KIND_COLOUR: Record<LineKind, string> = {
  mapped: tone.ok,
  'not understood': tone.paused,
  note: tone.info,
  error: tone.danger,
  blank: tone.faint,
};

export function LineReport({ source, report }: { source: string; report: ReportInput }) {
  const { lines, documentErrors } = reportLines(source, report);
  const count = (kind: LineKind) => lines.filter((l) => l.kind === kind).length;
  return (
    <section aria-label="Line report">
      <Title order={2} size="h4">
        Line report
      </Title>
      <Group gap="xs" my="xs">
        <Text size="sm">
          {report.mappedLines} lines mapped (each gave the plan at least one fact), {count('not understood')}{' '}
          not understood, {count('error')} with errors, {count('note')} with notes.
        </Text>
      </Group>
      {documentErrors.map((e) => (
        <Text key={e} c="red.9" size="sm" role="alert">
          {e}
        </Text>
      ))}
      <Table withRowBorders={false} verticalSpacing={2} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Line</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th>What it became</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines
            .filter((l) => l.kind !== 'blank')
            .map((l) => (
              <Table.Tr key={l.line} data-kind={l.kind}>
                <Table.Td>{l.line}</Table.Td>
                <Table.Td>
                  <Code style={{ whiteSpace: 'pre-wrap' }}>{l.text}</Code>
                </Table.Td>
                <Table.Td>
                  <Badge color={KIND_COLOUR[l.kind]} autoContrast radius="sm">
                    {l.kind}
                  </Badge>
                  {l.facts.length > 0 && (
                    <List size="xs" listStyleType="none" aria-label={`Facts from line ${l.line}`}>
                      {l.facts.map((fact, i) => (
                        <List.Item key={`${i}:${fact}`}>{fact}</List.Item>
                      ))}
                    </List>
                  )}
                  {l.keptAs && <Text size="xs">kept as {l.keptAs}</Text>}
                  {l.messages.map((m) => (
                    <Text key={m} size="xs">
                      {m}
                    </Text>
                  ))}
                </Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
    </section>
  );
}
