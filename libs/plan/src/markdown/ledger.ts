import type { Lines } from './tree';

/** Accounts for every source line: mapped to a plan element, or reported as not understood. */

export interface MappedLine {
  line: number;
  /** Path of the plan element the line became, e.g. `phases[1].checklist[3]`. */
  to: string;
}

export interface UnmappedLine {
  line: number;
  text: string;
}

export interface ImportNote {
  line: number;
  message: string;
}

export class Ledger {
  private readonly mapped = new Map<number, string>();
  private readonly notes: ImportNote[] = [];

  constructor(private readonly lines: readonly string[]) {}

  map(lines: Lines | number, to: string): void {
    const [from, until] = typeof lines === 'number' ? [lines, lines] : lines;
    for (let line = from; line <= until; line++)
      if (line > 0 && !this.mapped.has(line)) this.mapped.set(line, to);
  }

  isMapped(line: number): boolean {
    return this.mapped.has(line);
  }

  pathOf(line: number): string | undefined {
    return this.mapped.get(line);
  }

  /** Path of the first mapped line in a range: what a heading over that range is structure for. */
  firstPathIn(from: number, until: number): string | undefined {
    for (let line = from; line <= until; line++) {
      const to = this.mapped.get(line);
      if (to !== undefined) return to;
    }
    return undefined;
  }

  note(line: number, message: string): void {
    this.notes.push({ line, message });
  }

  result(): { mapped: MappedLine[]; unmapped: UnmappedLine[]; notes: ImportNote[] } {
    const mapped: MappedLine[] = [];
    const unmapped: UnmappedLine[] = [];
    this.lines.forEach((text, index) => {
      const line = index + 1;
      const to = this.mapped.get(line);
      if (to !== undefined) mapped.push({ line, to });
      else if (text.trim() !== '') unmapped.push({ line, text: text.trim() });
    });
    return { mapped, unmapped, notes: [...this.notes].sort((a, b) => a.line - b.line) };
  }
}
