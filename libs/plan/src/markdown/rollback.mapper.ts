import type { RollbackLevel } from '../plan.schema';
import { walkBlocks } from './blocks';
import { sourceOf, type ImportState } from './import.state';
import { readLevelNumber, readStepAction } from './readers/action.reader';
import { readDuration } from './readers/duration.reader';
import { slugify, stripParentheticals, tidy, UniqueIds } from './readers/text';
import { linesOf, type Entry, type Lines, type Section } from './tree';

/** A step or a body line a level is built from: its text and lines. */
interface StepText {
  text: string;
  lines: Lines;
}

/** What a level's prose says: steps in sentences that do something, the budget ("Budget: 30 minutes."). */
interface Body {
  steps: StepText[];
  budget?: string;
  /** Paragraphs that gave a step or the budget: they belong to the level. */
  lines: Lines[];
}

/** Maps a rollback plan (or kill switch, back-out plan): sub-sections or nested lists are levels, items are steps. */
export function mapRollback(state: ImportState, section: Section): void {
  const { rollback } = state.plan;
  if (section.heading) rollback.source ??= sourceOf(linesOf(section.heading));
  const loose: Entry[] = [];
  const body: Body = { steps: [], lines: [] };
  walkBlocks(
    section.blocks,
    {
      entry: (entry) => {
        if (entry.children.length > 0) addLevel(state, entry.rest || entry.text, entry.lines, entry.children);
        else loose.push(entry);
      },
      paragraph: (text, lines) => readBody(body, text, lines),
    },
    state.ledger,
  );
  // Steps listed (or told) straight under the heading form one level named after the section.
  if (loose.length > 0 || body.steps.length > 0)
    addLevel(
      state,
      section.title,
      section.heading ? linesOf(section.heading) : (loose[0]?.lines ?? body.lines[0]),
      loose,
      body,
    );
  for (const child of section.children) mapLevelSection(state, child);
}

function mapLevelSection(state: ImportState, section: Section): void {
  const steps: Entry[] = [];
  const body: Body = { steps: [], lines: [] };
  walkBlocks(
    section.blocks,
    { entry: (entry) => steps.push(entry), paragraph: (text, lines) => readBody(body, text, lines) },
    state.ledger,
  );
  const lines = section.heading ? linesOf(section.heading) : ([0, -1] as Lines);
  if (steps.length > 0 || body.steps.length > 0) addLevel(state, section.title, lines, steps, body);
  for (const child of section.children) mapLevelSection(state, child);
}

/** "Budget: 30 minutes.", "Takes about five minutes.", "Expected to take about 15 minutes." */
const BUDGET_SENTENCE =
  /^(?:(?:time\s+)?budget|takes|(?:is\s+)?expected\s+to\s+take|should\s+take|duration|target(?:\s+time)?|done\s+(?:in|within))\b/i;

/** Reads a paragraph under a rollback heading: sentences that set flags, notify, restore… are steps. */
function readBody(body: Body, text: string, lines: Lines): void {
  let used = false;
  const steps: string[] = [];
  for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z`#*"“])/)) {
    const plain = sentence.replace(/[`*_]/g, '').trim();
    const budget = BUDGET_SENTENCE.test(plain) ? readDuration(plain) : undefined;
    if (budget) {
      body.budget ??= budget.iso;
      used = true;
    } else
      // "turn `x` off …, then tell the channel.": each action after a ", then" is a step of its own.
      for (const part of sentence.split(/[,;]\s+(?:we\s+)?then\s+(?=[a-z])/))
        if (readStepAction(part).type !== 'manual') steps.push(part);
  }
  if (steps.length > 0 || used) body.lines.push(lines);
  body.steps.push(...steps.map((step) => ({ text: step, lines })));
}

const LEVEL_PREFIX = /^(?:level|tier)\s*#?\s*\d+\b\s*[-—–:.]?\s*|^L\d\b\s*[-—–:.]?\s*/i;

function addLevel(
  state: ImportState,
  title: string,
  lines: Lines,
  entries: Entry[],
  body: Body = { steps: [], lines: [] },
): void {
  const budget = readDuration(title);
  const clean = tidy(
    (budget ? `${title.slice(0, budget.index)} ${title.slice(budget.index + budget.length)}` : title)
      .replace(/\(\s*[<>≤≥=~]*\s*(?:within|under|in)?\s*\)/gi, ' ')
      .replace(/\s+/g, ' '),
  );
  // "Level 1 — Reads back", "L1 flag flip": the number is the level's place, the rest its title.
  const numbered = LEVEL_PREFIX.exec(clean);
  const named = numbered && numbered[0].length < clean.length ? tidy(clean.slice(numbered[0].length)) : clean;
  const levelTitle = named === '' ? 'Rollback' : named;
  const base = slugify(
    stripParentheticals(levelTitle).replace(/\b(?:roll-?\s*back|level|plan|procedure|strategy)\b/gi, ' '),
  );
  const level: RollbackLevel = {
    id: state.ids.levels.take(base === '' ? 'rollback' : base),
    title: levelTitle,
    ...(budget ? { budget: budget.iso } : body.budget ? { budget: body.budget } : {}),
    steps: [],
    source: sourceOf(lines),
  };
  const number = numbered ? readLevelNumber(numbered[0]) : readLevelNumber(clean);
  if (number !== undefined) state.levelNumbers.set(level.id, number);
  const path = state.add(state.plan.rollback.levels, level, 'rollback.levels', lines);
  for (const bodyLines of body.lines) state.ledger.map(bodyLines, path);
  const ids = new UniqueIds('step');
  const steps: StepText[] = [...entries.flatMap((e) => [e, ...e.children]), ...body.steps];
  for (const entry of steps) {
    const text = entry.text;
    if (text === '') continue;
    level.steps.push({
      id: ids.take(slugify(stripParentheticals(text), 4)),
      title: tidy(text),
      action: readStepAction(text),
      source: sourceOf(entry.lines),
    });
    state.ledger.map(entry.lines, `${path}.steps[${level.steps.length - 1}]`);
  }
}
