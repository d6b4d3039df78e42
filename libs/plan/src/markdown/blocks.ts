import type { Content, Paragraph } from 'mdast';
import type { Ledger } from './ledger';
import {
  entriesOfList,
  inlineText,
  labelOf,
  linesOf,
  paragraphLines,
  plainLabelOf,
  tableOf,
  type Entry,
  type Lines,
  type TableView,
} from './tree';

/** Walks a section's blocks: lists and table rows become entries; label paragraphs set the label of what follows. */
export interface BlockVisitor {
  entry(entry: Entry, label: string | undefined): void;
  /** A paragraph that is only a label ("**Checklist:**"); return true when the label is understood. */
  label?(label: string, lines: Lines): boolean;
  /** Any other paragraph; `label` is set when it opens with one ("**Audience:** staff"). */
  paragraph?(text: string, lines: Lines, label?: { label: string; rest: string }): void;
  table?(table: TableView, label: string | undefined): void;
  /**
   * Labels this visitor understands as fields. When given, a paragraph whose lines open with such labels
   * ("**Scope:** …⏎Length: 2 weeks") is read line by line, and plain "Label: value" lines count as labelled.
   */
  field?(label: string): boolean;
}

export function walkBlocks(blocks: readonly Content[], visitor: BlockVisitor, ledger: Ledger): void {
  let label: string | undefined;
  for (const block of blocks) {
    if (block.type === 'list') {
      for (const entry of entriesOfList(block)) visitor.entry(entry, label);
    } else if (block.type === 'table') {
      const table = tableOf(block);
      if (visitor.table) visitor.table(table, label);
      else for (const row of table.rows) visitor.entry(row, label);
      mapTableFrame(table, ledger);
    } else if (block.type === 'paragraph' && visitor.field) {
      label = walkFieldLines(block, visitor, (name) => visitor.field?.(name) ?? false);
    } else if (block.type === 'paragraph') {
      const found = labelOf(block, true);
      if (found.label !== undefined && found.rest === '' && visitor.label?.(found.label, linesOf(block))) {
        label = found.label;
      } else {
        label = undefined;
        const labelled = found.label !== undefined ? { label: found.label, rest: found.rest } : undefined;
        visitor.paragraph?.(inlineText(block.children), linesOf(block), labelled);
      }
    } else if (block.type !== 'thematicBreak') {
      label = undefined;
    }
  }
}

/**
 * A paragraph read as fields: a line opening with a known label starts a field, the lines after it (a wrapped
 * sentence) continue it. Returns the label of a last field left empty ("Promotion criteria:" above a list).
 */
function walkFieldLines(
  paragraph: Paragraph,
  visitor: BlockVisitor,
  known: (label: string) => boolean,
): string | undefined {
  const fieldOf = (line: Paragraph) => {
    const bold = labelOf(line, true);
    if (bold.label !== undefined && known(bold.label)) return { label: bold.label, rest: bold.rest };
    return plainLabelOf(inlineText(line.children), known);
  };
  const groups: { field?: { label: string; rest: string }; lines: Paragraph[] }[] = [];
  for (const line of paragraphLines(paragraph)) {
    const field = fieldOf(line);
    const last = groups[groups.length - 1];
    if (field || !last) groups.push({ ...(field ? { field } : {}), lines: [line] });
    else last.lines.push(line);
  }
  if (groups.length === 1 && !groups[0].field) {
    const found = labelOf(paragraph, true);
    if (found.label !== undefined && found.rest === '' && visitor.label?.(found.label, linesOf(paragraph)))
      return found.label;
    const labelled = found.label !== undefined ? { label: found.label, rest: found.rest } : undefined;
    visitor.paragraph?.(inlineText(paragraph.children), linesOf(paragraph), labelled);
    return undefined;
  }
  let open: string | undefined;
  for (const { field, lines } of groups) {
    const at: Lines = [linesOf(lines[0])[0], linesOf(lines[lines.length - 1])[1]];
    const text = lines.map((line) => inlineText(line.children)).join(' ');
    open = undefined;
    if (field && lines.length === 1 && field.rest === '' && visitor.label?.(field.label, at))
      open = field.label;
    else if (field) {
      const rest = [field.rest, ...lines.slice(1).map((line) => inlineText(line.children))].join(' ').trim();
      visitor.paragraph?.(text, at, { label: field.label, rest });
    } else visitor.paragraph?.(text, at, undefined);
  }
  return open;
}

/** A table's header and delimiter rows are structure: they belong to whatever its first mapped row became. */
function mapTableFrame(table: TableView, ledger: Ledger): void {
  const first = table.rows.find((row) => ledger.isMapped(row.lines[0]));
  const to = first ? ledger.pathOf(first.lines[0]) : undefined;
  if (to === undefined) return;
  ledger.map(table.headerLines, to);
  ledger.map(table.delimiterLine, to);
}
