import type { Content, Heading, List, Paragraph, PhrasingContent } from 'mdast';
import { readAudienceLimits } from './readers/audience.reader';
import { readDuration, readTimeLabel } from './readers/duration.reader';
import { readFlagStates } from './readers/flag.reader';
import { entriesOfList, inlineText, linesOf, paragraphLines, tableOf, type Section } from './tree';
import { phasePartOf, sectionKindOf, type SectionKind } from './vocabulary';

/**
 * Structure before wording: finds the parts of a plan that are not written as headings and gives them a
 * section of their own, so the same mappers read them. A bold paragraph lead ("**P1 — 5% A/B** (at least
 * 72h)", "**Kill rules.** …") opens a section; a list or table of stages outside any "Stages" heading
 * becomes a section of phases.
 */

const MAX_LEAD = 90;

/** Restructures `section` (its kind already known, or undefined) in place; children are left to the caller. */
export function restructure(section: Section, kind: SectionKind | undefined): void {
  if (kind === 'rollback') return promoteLevelLeads(section);
  if (kind !== undefined && kind !== 'phases') return;
  promoteLeads(section, kind);
  if (kind === undefined) wrapPhaseBlocks(section);
  if (kind === undefined) promoteProseSteps(section);
  if (kind === undefined) promoteProseParts(section);
  if (kind === undefined) promoteLabelLines(section);
}

/**
 * "Abort if:" above a list, "Defaults: `a` off, `b` on.": a paragraph opening with a short label that names
 * a part of the plan (not a stage) is that part, with the lists and tables right under it.
 */
function promoteLabelLines(section: Section): void {
  const parts: Section[] = [];
  const keep: Content[] = [];
  let open: Section | undefined;
  section.blocks.forEach((block, i) => {
    const part = block.type === 'paragraph' ? labelPartOf(block, section.depth + 1) : undefined;
    const next = section.blocks[i + 1];
    // A label with nothing after it and no list or table under it is no part: it stays where it was.
    const under = next?.type === 'list' || next?.type === 'table';
    if (part && (part.blocks.length > 0 || under)) {
      parts.push(part);
      open = part;
    } else if (open && (block.type === 'list' || block.type === 'table')) {
      open.blocks.push(block);
    } else {
      open = undefined;
      keep.push(block);
    }
  });
  if (parts.length === 0) return;
  section.blocks = keep;
  section.children = [...section.children, ...parts];
}

const LABEL_LINE = /^([A-Za-z][^:`.|]{0,40}?)\s*:\s*/;

function labelPartOf(block: Paragraph, depth: number): Section | undefined {
  const [first, ...others] = block.children;
  if (!first || first.type !== 'text' || linesOf(block)[0] !== linesOf(block)[1]) return undefined;
  const match = LABEL_LINE.exec(first.value);
  const kind = match ? sectionKindOf(match[1]) : undefined;
  if (!match || !kind || kind === 'phase' || kind === 'phases') return undefined;
  const [line] = linesOf(block);
  const title = match[1].trim();
  const after = [{ ...first, value: first.value.slice(match[0].length) }, ...others];
  const rest: Paragraph | undefined = inlineText(after) === '' ? undefined : { ...block, children: after };
  return {
    title,
    depth,
    heading: {
      type: 'heading',
      depth: Math.min(depth, 6) as Heading['depth'],
      children: [{ type: 'text', value: title }],
      position: { start: { line, column: 1 }, end: { line, column: 1 } },
    },
    blocks: rest ? [rest] : [],
    children: [],
    kind,
  };
}

/** Openings of prose paragraphs that say which part of a plan they are, in a document without headings. */
const PROSE_PARTS: [RegExp, SectionKind][] = [
  [/^(?:going|getting|rolling)\s+back\b|^if\s+we\s+(?:need|have)\s+to\s+(?:go|roll)\s+back\b/i, 'rollback'],
  [/^(?:\w+\s+){1,2}(?:days?|weeks?|months?)\s+after\b[^.]*\breview/i, 'reviews'],
  [
    /^(?:throughout|at\s+any\s+(?:stage|step|time))\b[^.]*\b(?:stop|roll\s+back|pause|abort|halt)\b[^.]*\bif\b/i,
    'guardrails',
  ],
  // "A week before the beta, the support team gets a briefing": who hears what is the paragraph's point.
  [
    /^(?:[\w-]+\s+){0,4}?(?:before|after|on|ahead\s+of)\b[^,]{0,40},\s*(?:the\s+)?[\w\s&'-]{2,40}?\s+(?:gets?|receives?|hears?|(?:is|are|will\s+be)\s+(?:told|briefed|notified|informed|e-?mailed))\b/i,
    'communications',
  ],
  // "We will pause the launch if …", "We roll back when …".
  [
    /^we(?:\s+will|'ll|\s+would)?\s+(?:pause|stop|halt|abort|roll\s+back)\b[^.]*\b(?:if|when|as\s+soon\s+as)\b/i,
    'guardrails',
  ],
];

/** "Going back is simple: …", "Throughout, we will roll back if …": a paragraph that opens as a part is one. */
function promoteProseParts(section: Section): void {
  const parts: Section[] = [];
  section.blocks = section.blocks.filter((block) => {
    if (block.type !== 'paragraph') return true;
    const text = inlineText(block.children);
    const kind = PROSE_PARTS.find(([pattern]) => pattern.test(text))?.[1];
    if (!kind) return true;
    parts.push({ title: '', depth: section.depth + 1, blocks: [block], children: [], kind });
    return false;
  });
  section.children = [...section.children, ...parts];
}

/** "The first step…", "Then we turn it on for 15%…", "Last, all seats…": the opening words that order steps. */
const SEQUENCE =
  /\b(?:first|then|next|after\s+that|afterwards|last(?:ly)?|finally|second|third|fourth|fifth|sixth)\b|\b(?:begin|start)s?\s+(?:with|by)\b|\bto\s+(?:begin|start)\s+with\b|^initially\b/i;

/**
 * Stages told as paragraphs, one per stage, each opening with a word that orders it and holding a stage
 * detail (a stay, a share, a flag): each paragraph becomes a phase, named by its position.
 */
function promoteProseSteps(section: Section): void {
  const steps = section.blocks
    .map((block, at) => ({ block, at }))
    .filter(({ block }) => {
      if (block.type !== 'paragraph') return false;
      const text = inlineText(block.children);
      const [opening] = text.split(/(?<=[.!?:])\s/);
      const part = PROSE_PARTS.some(([pattern]) => pattern.test(text));
      return !part && SEQUENCE.test(opening) && looksLikePhase('', text, true);
    });
  if (steps.length < 2) return;
  const children = steps.map(({ block, at }, i): Section => {
    const end = steps[i + 1]?.at ?? section.blocks.length;
    const following = section.blocks.slice(at + 1, end).filter((b) => b.type === 'list');
    const [line] = linesOf(block);
    const title = `Step ${i + 1}`;
    return {
      title,
      depth: section.depth + 1,
      heading: {
        type: 'heading',
        depth: Math.min(section.depth + 1, 6) as Heading['depth'],
        children: [{ type: 'text', value: title }],
        position: { start: { line, column: 1 }, end: { line, column: 1 } },
      },
      blocks: [block, ...following],
      children: [],
      kind: 'phase',
    };
  });
  const taken = new Set(children.flatMap((child) => child.blocks));
  section.blocks = section.blocks.filter((block) => !taken.has(block));
  section.children = [...children, ...section.children];
}

interface Lead {
  at: number;
  title: string;
  /** What follows the title on the lead's own paragraph. */
  rest?: Paragraph;
}

/** A paragraph opening with bold text that reads as a title: not a field label such as "**Owner:** x". */
function leadOf(block: Content, at: number): Lead | undefined {
  if (block.type !== 'paragraph') return undefined;
  const [first] = block.children;
  if (!first || first.type !== 'strong') return undefined;
  const [line, ...others] = paragraphLines(block);
  const bold = inlineText(first.children);
  const closed = /[.:]\s*$/.test(bold) || /^\s*[.:]/.test(inlineText(line.children.slice(1)));
  // "**Kill rules.** Day-1 activation…": the bold text is the title, the rest of the line is content.
  // "**P1 — 5% A/B** (at least 72h)": the whole line is the title.
  const title = (closed ? bold : inlineText(line.children)).replace(/[.:]\s*$/, '').trim();
  if (title === '' || title.length > MAX_LEAD) return undefined;
  const after: PhrasingContent[] = closed
    ? line.children
        .slice(1)
        .map((node, i) =>
          i === 0 && node.type === 'text' ? { ...node, value: node.value.replace(/^\s*[.:]\s*/, '') } : node,
        )
    : [];
  const restLines = [
    ...(after.some((node) => inlineText([node]) !== '') ? [{ ...line, children: after }] : []),
    ...others,
  ];
  if (restLines.length === 0) return { at, title };
  const rest: Paragraph = {
    type: 'paragraph',
    children: restLines.flatMap((l, i) => [
      ...(i > 0 ? [{ type: 'text' as const, value: '\n' }] : []),
      ...l.children,
    ]),
    position: {
      start: { line: linesOf(restLines[0])[0], column: 1 },
      end: { line: linesOf(block)[1], column: 1 },
    },
  };
  return { at, title, rest };
}

/** Text of a few blocks, enough to tell whether they describe a phase. */
function textOf(blocks: readonly Content[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'paragraph') return inlineText(block.children);
      if (block.type === 'list') return entriesOfList(block).map(flatText).join('\n');
      return '';
    })
    .join('\n');
}

function flatText(entry: ReturnType<typeof entriesOfList>[number]): string {
  return [entry.text, ...entry.children.map(flatText)].join('\n');
}

/** Titles of what a plan says beside its stages: never a stage, whatever numbers their text holds. */
const ASIDE =
  /\b(?:out\s+of\s+scope|non-?goals?|open\s+questions?|risks?|assumptions?|faq|background|context|glossary|references?|dependencies)\b/i;

/** A phase title or body: a duration, an audience share, flag states, or labelled phase fields. */
export function looksLikePhase(title: string, body: string, loose = false): boolean {
  if (ASIDE.test(title)) return false;
  if (sectionKindOf(title) === 'phase') return true;
  if (/\(([^()]*)\)/.test(title) && (readDuration(title) || readAudienceLimits(title).length > 0))
    return true;
  if (/\d\s*%/.test(title)) return true;
  const lines = body.split('\n');
  const fields = lines.filter((line) => {
    const label = /^\**([^:*`]{1,30}?)\**\s*:/.exec(line);
    const part = label ? phasePartOf(label[1]) : undefined;
    return part !== undefined && part !== 'description';
  }).length;
  const hasFlags = readFlagStates(body).states.length > 0;
  // "### Week 3 — everyone": a calendar label in the title is the stage's time.
  const hasTime =
    readDuration(body) !== undefined ||
    readTimeLabel(body) !== undefined ||
    readTimeLabel(title) !== undefined;
  // Loosely (a paragraph already ordered as a stage), a share of the audience is a stage detail too.
  const hasShare = /\d\s*%/.test(body);
  return fields >= 2 || (hasFlags && hasTime) || (loose && (fields > 0 || hasFlags || hasTime || hasShare));
}

function promoteLeads(section: Section, kind: SectionKind | undefined): void {
  const leads = section.blocks.map(leadOf).filter((lead): lead is Lead => lead !== undefined);
  if (leads.length === 0) return;
  const bodies = leads.map((lead, i) => {
    const blocks = section.blocks.slice(lead.at + 1, leads[i + 1]?.at ?? section.blocks.length);
    return lead.rest ? [lead.rest, ...blocks] : blocks;
  });
  const kinds = leads.map((lead, i): SectionKind | undefined => {
    if (kind === 'phases') return phasePartOf(lead.title) ? undefined : 'phase';
    const named = sectionKindOf(lead.title);
    if (named) return named;
    return looksLikePhase(lead.title, textOf(bodies[i])) ? 'phase' : undefined;
  });
  // Among stages told as leads, a lead of the same shape with any stage detail is a stage too.
  if (kinds.filter((k) => k === 'phase').length >= 2)
    leads.forEach((lead, i) => {
      if (kinds[i] === undefined && looksLikePhase(lead.title, textOf(bodies[i]), true)) kinds[i] = 'phase';
    });
  const found = kinds.filter((k) => k !== undefined).length;
  if (found === 0 || (kind === undefined && found < 2)) return;
  const promoted: Section[] = [];
  const keep: Content[] = section.blocks.slice(0, leads[0].at);
  leads.forEach((lead, i) => {
    const block = section.blocks[lead.at];
    if (kinds[i] === undefined) {
      // Not a part of its own: it stays with the section before it.
      (promoted.length > 0 ? promoted[promoted.length - 1].blocks : keep).push(
        block,
        ...section.blocks.slice(lead.at + 1, leads[i + 1]?.at ?? section.blocks.length),
      );
      return;
    }
    const [line] = linesOf(block);
    const heading: Heading = {
      type: 'heading',
      depth: Math.min(section.depth + 1, 6) as Heading['depth'],
      children: [{ type: 'text', value: lead.title }],
      position: { start: { line, column: 1 }, end: { line, column: 1 } },
    };
    promoted.push({
      title: lead.title,
      depth: section.depth + 1,
      heading,
      blocks: bodies[i],
      children: [],
      kind: kinds[i],
    });
  });
  section.blocks = keep;
  section.children = [...promoted, ...section.children];
}

/** "**Level 1 — remote config (5 minutes)**" above its steps: in a rollback section, each bold lead is a level. */
function promoteLevelLeads(section: Section): void {
  const leads = section.blocks.map(leadOf).filter((lead): lead is Lead => lead !== undefined);
  if (leads.length < 2 || leads.some((lead) => lead.rest)) return;
  const levels = leads.map((lead, i): Section => {
    const [line] = linesOf(section.blocks[lead.at]);
    return {
      title: lead.title,
      depth: section.depth + 1,
      heading: {
        type: 'heading',
        depth: Math.min(section.depth + 1, 6) as Heading['depth'],
        children: [{ type: 'text', value: lead.title }],
        position: { start: { line, column: 1 }, end: { line, column: 1 } },
      },
      blocks: section.blocks.slice(lead.at + 1, leads[i + 1]?.at ?? section.blocks.length),
      children: [],
    };
  });
  section.blocks = section.blocks.slice(0, leads[0].at);
  section.children = [...levels, ...section.children];
}

/** A list of stages ("1. **Wave 1 — sandbox** (2 clusters, 24 hours)") or a stage table in a section of other words. */
function wrapPhaseBlocks(section: Section): void {
  const index = section.blocks.findIndex((block) => isPhaseList(block) || isPhaseTable(block));
  if (index < 0) return;
  const block = section.blocks[index];
  section.blocks = section.blocks.filter((_, i) => i !== index);
  section.children = [
    { title: section.title, depth: section.depth + 1, blocks: [block], children: [], kind: 'phases' },
    ...section.children,
  ];
}

function isPhaseList(block: Content): block is List {
  if (block.type !== 'list') return false;
  const entries = entriesOfList(block);
  const phases = entries.filter(
    (entry) =>
      looksLikePhase(entry.label ?? entry.text, entry.children.map(flatText).join('\n')) ||
      detailsIn(entry.text) >= 2,
  );
  return entries.length >= 2 && phases.length >= Math.max(2, Math.ceil(entries.length / 2));
}

const NAME_COLUMN = /^(?:phase|stage|wave|ring|step|cohort|tier|batch|rollout\s+stage)s?$/i;

function isPhaseTable(block: Content): boolean {
  if (block.type !== 'table') return false;
  const { header } = tableOf(block);
  const parts = header.map((name) => phasePartOf(name)).filter((part) => part && part !== 'description');
  return header.some((name) => NAME_COLUMN.test(name.trim())) && parts.length >= 1;
}

/** A heading of other words ("### 2. Beta", "## Cohort A") whose body holds phase fields: a phase. */
export function phaseByShape(section: Section): SectionKind | undefined {
  if (section.children.length > 0 || section.blocks.length === 0) return undefined;
  return looksLikePhase(section.title, textOf(section.blocks)) ? 'phase' : undefined;
}

/** How many kinds of stage detail a line holds: a stay, a share, flag states. */
function detailsIn(text: string): number {
  return [
    readDuration(text) !== undefined,
    /\d\s*%/.test(text),
    readFlagStates(text).states.length > 0,
  ].filter(Boolean).length;
}
