import { factsAt, type Fact } from '../plan.facts';
import type { Lines } from './tree';

/**
 * Accounts for every source line: understood (it gave the plan at least one fact), or reported as not
 * understood, with the element it was kept as when the importer kept its text without a fact.
 */

export interface MappedLine {
  line: number;
  /** Path of the plan element the line became, e.g. `phases[1].checklist[3]`. */
  to: string;
  /** What the line said, in the wording of `factsOf`: `phase 2 approval by legal`. Never empty. */
  facts: string[];
}

export interface UnmappedLine {
  line: number;
  text: string;
  /** The element the importer kept the text in without a fact from it, e.g. `phases[0].description`. */
  keptAs?: string;
}

export interface ImportNote {
  line: number;
  message: string;
}

export class Ledger {
  /** Every element each line went into, first one first: a table row is a phase, its duration, its audience. */
  private readonly mapped = new Map<number, string[]>();
  private readonly notes: ImportNote[] = [];

  constructor(private readonly lines: readonly string[]) {}

  map(lines: Lines | number, to: string): void {
    const [from, until] = typeof lines === 'number' ? [lines, lines] : lines;
    for (let line = from; line <= until; line++) {
      if (line <= 0) continue;
      const paths = this.mapped.get(line);
      if (!paths) this.mapped.set(line, [to]);
      else if (!paths.includes(to)) paths.push(to);
    }
  }

  isMapped(line: number): boolean {
    return this.mapped.has(line);
  }

  pathOf(line: number): string | undefined {
    return this.mapped.get(line)?.[0];
  }

  /** Path of the first mapped line in a range: what a heading over that range is structure for. */
  firstPathIn(from: number, until: number): string | undefined {
    for (let line = from; line <= until; line++) {
      const to = this.mapped.get(line)?.[0];
      if (to !== undefined) return to;
    }
    return undefined;
  }

  note(line: number, message: string): void {
    this.notes.push({ line, message });
  }

  /**
   * The report, given the facts of the finished plan and where its elements came from. A line is understood
   * when it gave at least one fact:
   * - an element's own facts go to the lines mapped to it; a path with none of its own (a section heading
   *   mapped to `rollback`, an audience line) stands for the facts of the elements inside it, narrowed to
   *   those that came from that line (by `source.line`, or a flag key the line names) when any did;
   * - a fact no line was given (a duration or head count read from a phase heading, a flag registered from
   *   a phase's flag line) goes to the line of its nearest element with a `source.line`.
   */
  result(
    facts: readonly Fact[],
    sourceOf: (path: string) => { line?: number; nearest?: number },
  ): { mapped: MappedLine[]; unmapped: UnmappedLine[]; notes: ImportNote[] } {
    const own = new Map<string, Fact[]>();
    for (const fact of facts) own.set(fact.path, [...(own.get(fact.path) ?? []), fact]);
    const sources = new Map<string, { line?: number; nearest?: number }>();
    const sourceAt = (path: string) => {
      let found = sources.get(path);
      if (!found) sources.set(path, (found = sourceOf(path)));
      return found;
    };
    const said = new Map<number, Set<Fact>>();
    const give = (line: number, found: readonly Fact[]) => {
      const set = said.get(line) ?? new Set<Fact>();
      found.forEach((fact) => set.add(fact));
      said.set(line, set);
    };
    for (const [line, paths] of this.mapped) {
      const text = this.lines[line - 1] ?? '';
      for (const path of paths) {
        const itsOwn = own.get(path);
        if (itsOwn) give(line, itsOwn);
        else {
          const inside = factsAt(facts, path);
          const fromLine = inside.filter(
            (fact) => sourceAt(fact.path).line === line || namesFlagOf(fact.path, text),
          );
          give(line, fromLine.length > 0 ? fromLine : inside);
        }
      }
    }
    const reported = new Set([...said.values()].flatMap((set) => [...set]));
    for (const fact of facts) {
      const line = reported.has(fact) ? undefined : sourceAt(fact.path).nearest;
      if (line !== undefined && line <= this.lines.length) give(line, [fact]);
    }

    const order = new Map(facts.map((fact, i) => [fact, i]));
    const mapped: MappedLine[] = [];
    const unmapped: UnmappedLine[] = [];
    this.lines.forEach((text, index) => {
      const line = index + 1;
      const paths = this.mapped.get(line);
      const found = [...(said.get(line) ?? [])].sort((a, b) => order.get(a)! - order.get(b)!);
      if (found.length > 0)
        mapped.push({ line, to: paths?.[0] ?? found[0].path, facts: found.map((fact) => fact.text) });
      else if (text.trim() !== '')
        unmapped.push({ line, text: text.trim(), ...(paths ? { keptAs: paths[0] } : {}) });
    });
    return { mapped, unmapped, notes: [...this.notes].sort((a, b) => a.line - b.line) };
  }
}

/** A phase flag's fact (`phases[1].flags.<key>`) on a line that names its key. */
function namesFlagOf(path: string, text: string): boolean {
  const key = /\.flags\.(.+)$/.exec(path)?.[1];
  return key !== undefined && text.includes(key);
}
