import type { Content } from 'mdast';
import type { Ledger } from './ledger';
import {
  entriesOfList,
  inlineText,
  labelOf,
  linesOf,
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

/** A table's header and delimiter rows are structure: they belong to whatever its first mapped row became. */
function mapTableFrame(table: TableView, ledger: Ledger): void {
  const first = table.rows.find((row) => ledger.isMapped(row.lines[0]));
  const to = first ? ledger.pathOf(first.lines[0]) : undefined;
  if (to === undefined) return;
  ledger.map(table.headerLines, to);
  ledger.map(table.delimiterLine, to);
}
