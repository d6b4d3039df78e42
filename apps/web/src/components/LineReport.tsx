import { Badge, Code, Group, Table, Text, Title } from '@mantine/core';
import { tone } from '../theme';

export interface ReportInput {
  mappedLines: number;
  unmapped: readonly { line: number; text: string }[];
  notes: readonly { line: number; text: string }[];
  errors: readonly { line?: number | null; path: string; message: string }[];
}

export type LineKind = 'mapped' | 'not understood' | 'note' | 'error' | 'blank';

export interface ReportLine {
  line: number;
  text: string;
  kind: LineKind;
  /** Notes and errors the importer attached to the line. */
  messages: string[];
}

/**
 * Every source line with what the importer made of it: an error at the line wins, then "not understood"
 * (unmapped), then a note; any other non-blank line was mapped. Errors without a line are the document's.
 */
export function reportLines(
  source: string,
  report: ReportInput,
): { lines: ReportLine[]; documentErrors: string[] } {
  const unmapped = new Set(report.unmapped.map((u) => u.line));
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
    let kind: LineKind;
    if (errors.has(line)) kind = 'error';
    else if (unmapped.has(line)) kind = 'not understood';
    else if (text.trim() === '') kind = 'blank';
    else if (notes.has(line)) kind = 'note';
    else kind = 'mapped';
    return { line, text, kind, messages };
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
          {report.mappedLines} lines mapped, {count('not understood')} not understood, {count('error')} with
          errors, {count('note')} with notes.
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
