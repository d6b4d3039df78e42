import type { Content, Heading, List, ListItem, Paragraph, PhrasingContent, Root, Table } from 'mdast';
import unified from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { SectionKind } from './vocabulary';

/** The Markdown syntax tree, cut into sections by headings, and the small views the mappers read. */

const processor = unified().use(remarkParse).use(remarkGfm);

export function parseMarkdown(text: string): Root {
  return processor.parse(text) as Root;
}

export interface Section {
  title: string;
  depth: number;
  heading?: Heading;
  /** Blocks between this heading and the next heading. */
  blocks: Content[];
  children: Section[];
  /** Set when the structure, not the title, says what the section is (a bold lead, a list of stages). */
  kind?: SectionKind;
}

export function sectionsOf(root: Root): Section {
  const top: Section = { title: '', depth: 0, blocks: [], children: [] };
  const stack = [top];
  for (const node of root.children) {
    if (node.type === 'heading') {
      while (stack[stack.length - 1].depth >= node.depth) stack.pop();
      const section: Section = {
        title: inlineText(node.children),
        depth: node.depth,
        heading: node,
        blocks: [],
        children: [],
      };
      stack[stack.length - 1].children.push(section);
      stack.push(section);
    } else {
      stack[stack.length - 1].blocks.push(node);
    }
  }
  return top;
}

/** Plain text of inline content; code spans keep their backticks so flag keys stay recognisable. */
export function inlineText(nodes: readonly PhrasingContent[] | readonly Content[]): string {
  return nodes
    .map((node): string => {
      if (node.type === 'inlineCode') return `\`${node.value}\``;
      if (node.type === 'text') return node.value;
      if (node.type === 'break') return ' ';
      if ('children' in node) return inlineText(node.children);
      if ('value' in node && typeof node.value === 'string') return node.value;
      return '';
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

export type Lines = [number, number];

export function linesOf(node: { position?: { start: { line: number }; end: { line: number } } }): Lines {
  return node.position ? [node.position.start.line, node.position.end.line] : [0, -1];
}

/** A list item or table row, reduced to what mappers read. */
export interface Entry {
  text: string;
  lines: Lines;
  /** "**Scope**: …" or "Checklist:" → the label, and the text after it. */
  label?: string;
  rest: string;
  checked: boolean | null;
  children: Entry[];
  /** Table rows: cell text by column header. */
  cells?: Record<string, string>;
}

export function entriesOfList(list: List): Entry[] {
  return list.children.map(entryOfItem);
}

function entryOfItem(item: ListItem): Entry {
  const paragraph = item.children.find((child): child is Paragraph => child.type === 'paragraph');
  const children = item.children
    .filter((child): child is List => child.type === 'list')
    .flatMap(entriesOfList);
  const text = paragraph ? inlineText(paragraph.children) : '';
  const { label, rest } = paragraph
    ? labelOf(paragraph, children.length > 0)
    : { label: undefined, rest: text };
  return {
    text,
    lines: paragraph ? linesOf(paragraph) : [linesOf(item)[0], linesOf(item)[0]],
    ...(label ? { label } : {}),
    rest,
    checked: item.checked ?? null,
    children,
  };
}

/**
 * A label opens a paragraph: bold text ("**Scope**: …", "**Checklist**") or a short phrase ending with a
 * colon that stands alone above a nested list ("Feature flags:"). Known labels may also carry text inline.
 */
export function labelOf(paragraph: Paragraph, hasNested: boolean): { label?: string; rest: string } {
  const [first, ...others] = paragraph.children;
  const text = inlineText(paragraph.children);
  if (first && (first.type === 'strong' || first.type === 'emphasis')) {
    const label = inlineText(first.children).replace(/:\s*$/, '').trim();
    const rest = inlineText(others)
      .replace(/^\s*[:\-–—]\s*/, '')
      .trim();
    const hasColon = /:\s*$/.test(inlineText(first.children)) || /^\s*[:\-–—]/.test(inlineText(others));
    if (label !== '' && (hasColon || rest === '')) return { label, rest };
  }
  const colon = /^([^:`]{1,40}):\s*(.*)$/.exec(text);
  if (colon && (colon[2] === '' ? hasNested : false)) return { label: colon[1].trim(), rest: '' };
  return { rest: text };
}

export interface TableView {
  header: string[];
  headerLines: Lines;
  /** GFM's delimiter row is the line under the header. */
  delimiterLine: number;
  rows: Entry[];
}

export function tableOf(table: Table): TableView {
  const [head, ...body] = table.children;
  const header = head ? head.children.map((cell) => inlineText(cell.children)) : [];
  const headerLines = head ? linesOf(head) : linesOf(table);
  const rows = body.map((row): Entry => {
    const cells = Object.fromEntries(
      row.children.map((cell, i) => [header[i] ?? `column ${i + 1}`, inlineText(cell.children)]),
    );
    const text = row.children
      .map((cell) => inlineText(cell.children))
      .filter((t) => t !== '')
      .join(' ');
    return { text, lines: linesOf(row), rest: text, checked: null, children: [], cells };
  });
  return { header, headerLines, delimiterLine: headerLines[1] + 1, rows };
}

/**
 * A paragraph cut into its source lines ("**Scope:** …⏎**Length:** …" is two fields in one paragraph): each
 * line becomes a paragraph of its own, with the inline nodes written on it.
 */
export function paragraphLines(paragraph: Paragraph): Paragraph[] {
  const start = linesOf(paragraph)[0];
  const lines: PhrasingContent[][] = [[]];
  for (const node of paragraph.children) {
    if (node.type === 'break') {
      lines.push([]);
    } else if (node.type === 'text' && node.value.includes('\n')) {
      node.value.split('\n').forEach((part, i) => {
        if (i > 0) lines.push([]);
        if (part !== '') lines[lines.length - 1].push({ type: 'text', value: part });
      });
    } else {
      lines[lines.length - 1].push(node);
    }
  }
  return lines.map((children, i) => ({
    type: 'paragraph',
    children,
    position: { start: { line: start + i, column: 1 }, end: { line: start + i, column: 1 } },
  }));
}

/** "Minimum duration: 5 days." → the label and its value, when the label is one `known` accepts. */
export function plainLabelOf(
  text: string,
  known: (label: string) => boolean,
): { label: string; rest: string } | undefined {
  const match = /^([A-Za-z][^:`|,]{0,40}?)\s*:\s*(.*)$/.exec(text);
  if (!match || !known(match[1])) return undefined;
  return { label: match[1].trim(), rest: match[2].trim() };
}
