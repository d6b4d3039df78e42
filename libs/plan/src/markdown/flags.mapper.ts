import type { Flag } from '../plan.schema';
import { walkBlocks } from './blocks';
import { sourceOf, type ImportState } from './import.state';
import { parseFlagValue, readFlagDefaults, readFlagKey, readFlagStates } from './readers/flag.reader';
import { matchPhase } from './readers/phase.matcher';
import { tidy } from './readers/text';
import type { Entry, Lines, Section, TableView } from './tree';

/** Maps the flag registry: a table (Flag | Default | Description, optionally a column per phase) or a list. */
export function mapFlags(state: ImportState, section: Section): void {
  walkBlocks(
    section.blocks,
    {
      entry: (entry) => mapFlagItem(state, entry),
      table: (table) => mapFlagTable(state, table),
      paragraph: (text, lines) => mapFlagProse(state, text, lines, true),
    },
    state.ledger,
  );
  for (const child of section.children) mapFlags(state, child);
}

const column = (header: string[], pattern: RegExp) => header.findIndex((name) => pattern.test(name));

function mapFlagTable(state: ImportState, table: TableView): void {
  const { header } = table;
  const keyAt = Math.max(column(header, /flag|key|name|toggle|feature/i), 0);
  const defaultAt = column(header, /default|initial|value|state/i);
  const descriptionAt = column(header, /desc|purpose|what|notes?|meaning|comment/i);
  const phaseColumns = header
    .map((name, index) => ({
      index,
      phase:
        index === keyAt || index === defaultAt || index === descriptionAt
          ? undefined
          : matchPhase(name, state.plan.phases),
    }))
    .filter((c): c is { index: number; phase: number } => c.phase !== undefined);
  for (const row of table.rows) {
    const cells = header.map((name, index) => row.cells?.[name] ?? (index === 0 ? row.text : ''));
    const key = readFlagKey(cells[keyAt] ?? '');
    if (!key) continue;
    const flag: Flag = {
      key,
      default:
        defaultAt >= 0 && cells[defaultAt] ? parseFlagValue(cells[defaultAt].replace(/`/g, '')) : false,
      ...(descriptionAt >= 0 && cells[descriptionAt] ? { description: cells[descriptionAt] } : {}),
      source: sourceOf(row.lines),
    };
    addFlag(state, flag, row);
    for (const { index, phase } of phaseColumns) {
      const value = cells[index]?.replace(/`/g, '').trim();
      if (value && value !== '-' && value !== '—')
        state.plan.phases[phase].flags[key] = parseFlagValue(value);
    }
  }
}

/** "- `kwik_integration` (default: off): Enable Kwik delivery". */
function mapFlagItem(state: ImportState, entry: Entry): void {
  const key = readFlagKey(entry.text) ?? readFlagStates(entry.text).states[0]?.key;
  if (!key) return;
  const explicit =
    /\bdefault(?:s)?\s*(?:is|:|=|to)?\s*`?(true|false|on|off|enabled|disabled|yes|no|\d+)`?/i.exec(
      entry.text,
    );
  const inline = readFlagStates(entry.text).states.find((s) => s.key === key);
  const description = tidy(
    entry.text
      .replace(/`[^`]*`/, ' ')
      .replace(/\(?\s*default(?:s)?\s*(?:is|:|=|to)?\s*`?\w+`?\s*\)?/i, ' ')
      .replace(/\(\s*\)/g, ' '),
  );
  addFlag(
    state,
    {
      key,
      default: explicit ? parseFlagValue(explicit[1]) : (inline?.value ?? false),
      ...(description ? { description } : {}),
      source: sourceOf(entry.lines),
    },
    entry,
  );
  if (!explicit && inline === undefined)
    state.ledger.note(entry.lines[0], `flag "${key}" states no default; assumed false`);
}

/**
 * Flag defaults told in prose ("`x` is off by default and `y` is on by default", "`y` starts on", the flag
 * "which is off today"): each registers its flag, unless a registry already did.
 */
export function mapFlagProse(state: ImportState, text: string, lines: Lines, registry = false): void {
  const defaults = readFlagDefaults(text);
  // In the flag registry, plain states are the defaults: "Defaults: `a` off, `b` on."
  if (registry && defaults.length === 0) defaults.push(...readFlagStates(text).states);
  for (const { key, value } of defaults) {
    const existing = state.plan.flags.findIndex((flag) => flag.key === key);
    if (existing >= 0) continue;
    // The line that names the flag, not the whole paragraph: the other lines said nothing about it.
    let line = lines[0];
    while (line < lines[1] && !(state.lines[line - 1] ?? '').includes(`\`${key}\``)) line++;
    state.add(state.plan.flags, { key, default: value, source: sourceOf([line, line]) }, 'flags', [
      line,
      line,
    ]);
  }
}

function addFlag(state: ImportState, flag: Flag, entry: Entry): void {
  const existing = state.plan.flags.findIndex((f) => f.key === flag.key);
  if (existing >= 0) {
    // A registry listed twice (e.g. table and prose) keeps the first definition; say so rather than duplicate.
    state.ledger.map(entry.lines, `flags[${existing}]`);
    state.ledger.note(entry.lines[0], `flag "${flag.key}" is defined again; the first definition is kept`);
    return;
  }
  state.add(state.plan.flags, flag, 'flags', entry.lines);
}

/** Flags that phases or steps set but no registry lists are registered as off by default, with a note. */
export function registerMissingFlags(state: ImportState): void {
  const known = new Set(state.plan.flags.map((flag) => flag.key));
  const uses: { key: string; line: number }[] = [
    ...state.plan.phases.flatMap((phase) =>
      Object.keys(phase.flags).map((key) => ({ key, line: phase.source?.line ?? 1 })),
    ),
    ...state.plan.rollback.levels.flatMap((level) =>
      level.steps.flatMap((step) =>
        step.action.type === 'set-flags'
          ? Object.keys(step.action.flags).map((key) => ({ key, line: step.source?.line ?? 1 }))
          : [],
      ),
    ),
  ];
  for (const { key, line } of uses) {
    if (known.has(key)) continue;
    known.add(key);
    const sample = state.plan.phases.map((p) => p.flags[key]).find((v) => v !== undefined);
    const value = typeof sample === 'number' ? 0 : typeof sample === 'string' ? sample : false;
    state.plan.flags.push({ key, default: value, source: { line } });
    state.ledger.note(
      line,
      `flag "${key}" is not in a flag registry; registered with default ${String(value)}`,
    );
  }
}
