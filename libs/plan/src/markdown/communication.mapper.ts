import type { Communication } from '../plan.schema';
import { walkBlocks } from './blocks';
import { sourceOf, type ImportState } from './import.state';
import { readChannel } from './readers/action.reader';
import { matchPhase } from './readers/phase.matcher';
import { tidy } from './readers/text';
import { linesOf, type Lines, type Section } from './tree';

/** Maps a communication plan. Sub-headings and labels name the audience; the phase is the one they mention. */
export function mapCommunications(
  state: ImportState,
  section: Section,
  audience?: string,
  phaseId?: string,
): void {
  const add = (text: string, lines: Lines, group: string | undefined) => {
    const recipient = group ? undefined : readRecipient(text);
    const who = group ?? recipient?.audience;
    const channel = readChannel(text);
    const communication: Communication = {
      ...(who ? { audience: who } : {}),
      ...(channel ? { channel } : {}),
      message: tidy(recipient?.message ?? text),
      source: sourceOf(lines),
    };
    const fixed = phaseId ? state.plan.phases.findIndex((p) => p.id === phaseId) : -1;
    const index =
      fixed >= 0 ? fixed : (matchPhase(who ?? '', state.plan.phases) ?? matchPhase(text, state.plan.phases));
    if (index === undefined) state.add(state.plan.communications, communication, 'communications', lines);
    else
      state.add(
        state.plan.phases[index].communications,
        communication,
        `phases[${index}].communications`,
        lines,
      );
  };
  walkBlocks(
    section.blocks,
    {
      entry: (entry, label) => {
        const who = entry.label ?? label ?? audience;
        if (entry.label && entry.rest === '') state.ledger.map(entry.lines, 'communications');
        else add(entry.label ? entry.rest : entry.text, entry.lines, who);
        for (const child of entry.children) add(child.text, child.lines, who);
      },
      label: () => true,
      paragraph: (text, lines) => {
        // "…, the support team gets a briefing, and sales engineers receive an FAQ": one message a recipient.
        const told = audience ? [] : toldClauses(text);
        for (const clause of told.length > 0 ? told : [text]) add(clause, lines, audience);
      },
    },
    state.ledger,
  );
  for (const child of section.children) {
    mapCommunications(state, child, child.title, phaseId);
    if (child.heading) {
      const [from, until] = rangeOf(child);
      const to = state.ledger.firstPathIn(from, until);
      if (to) state.ledger.map(linesOf(child.heading), to.replace(/\[\d+\]$/, ''));
    }
  }
}

export function rangeOf(section: Section): Lines {
  const start = section.heading ? linesOf(section.heading)[0] : 1;
  const last = [...section.blocks.map((b) => linesOf(b)[1]), ...section.children.map((c) => rangeOf(c)[1])];
  return [start, Math.max(start, ...last)];
}

/** A short noun phrase: who a message is for ("support leads", "beta customers' admins", "Trust & Safety"). */
const WHO = String.raw`[A-Za-z#][\w'’&#-]*(?:\s+(?:&\s+)?[A-Za-z][\w'’&-]*){0,4}?`;
/** Where the recipient's phrase ends: a preposition or conjunction starting the rest of the sentence. */
const WHO_END = String.raw`(?=\s+(?:on|in|via|about|that|before|after|when|once|with|of|by|at|through|during|ahead|an?|\d)\b|\s*[.,;:()]|\s*$)`;
const MESSAGE_NOUN = String.raw`(?:e-?mail|note|notice|message|heads-up|update|summary|announcement|reminder|briefing|memo|letter|faq|guide|digest)`;

const LABELLED = /^([A-Z][\w'’&-]*(?:\s+[\w'’&-]+){0,3}):\s+(\S.*)$/;
const TOLD = new RegExp(
  String.raw`^(?:the\s+|our\s+)?(${WHO})\s+(?:(?:is|are|will\s+be|get|gets)\s+)?(?:told|e-?mailed|notified|informed|briefed|messaged|reminded|invited)\b`,
  'i',
);
const RECEIVES = new RegExp(
  String.raw`^(?:the\s+|our\s+)?(${WHO})\s+(?:get|gets|receive|receives|hear|hears)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}?(?:${MESSAGE_NOUN}|about)\b`,
  'i',
);
const IMPERATIVE = new RegExp(
  String.raw`^(?:e-?mail|notify|tell|inform|brief|message|ping|remind|warn|invite)\s+(?:the\s+|our\s+|all\s+)?(${WHO})${WHO_END}`,
  'i',
);
const NOUN_TO = new RegExp(
  String.raw`\b${MESSAGE_NOUN}s?\s+to\s+(?:the\s+|our\s+|all\s+)?(${WHO})${WHO_END}`,
  'i',
);
/** "the product marketing team emails all inbox users an announcement": the object of a verb of telling. */
const SUBJECT_TELLS = new RegExp(
  String.raw`\b(?:e-?mails|notifies|tells|informs|briefs|messages|reminds|warns)\s+(?:the\s+|our\s+|all\s+)?(${WHO})${WHO_END}`,
  'i',
);
/** "A week before the beta, …", "On launch day, …": when a message goes, said before whom it goes to. */
const WHEN_FIRST = /^(?:[\w-]+\s+){0,4}?(?:before|after|on|at|during|once|when|ahead\s+of)\b[^,]{0,40},\s*/i;

/** The clauses of a paragraph that each tell someone something; empty when none names a recipient. */
export function toldClauses(text: string): string[] {
  const clauses = text
    .split(/(?<=[.!?])\s+|\s*[:;]\s+|,\s+and\s+/)
    .map((clause) => clause.replace(WHEN_FIRST, '').trim())
    .filter((clause) => clause !== '');
  return clauses.filter((clause) => {
    const plain = clause.replace(/[`*_]/g, '');
    return TOLD.test(plain) || RECEIVES.test(plain) || IMPERATIVE.test(plain) || SUBJECT_TELLS.test(plain);
  });
}

/** Labels that say what a line is, not who it is for. */
const NOT_A_RECIPIENT =
  /^(?:note|nb|update|reminder|when|why|what|how|where|tbd|todo|status|channel|owner|message|timing)$/i;
const SLACK_CHANNEL = /(?:^|\s)(#[a-z0-9][\w-]*)/i;

export interface Recipient {
  audience?: string;
  /** The message without the recipient's label ("Finance: confirm the contract end date" → the rest). */
  message?: string;
}

/**
 * Who a communication line is for, when no heading or bold label says so: a plain label ("Finance: …"), the
 * subject of "are told / get an email / hears about", the object of "email / notify / tell …", "an email to …",
 * or else the chat channel it names ("#eng-announce"), as rollback steps name theirs.
 */
export function readRecipient(text: string): Recipient | undefined {
  const plain = text.replace(/[`*_]/g, '').trim();
  const labelled = LABELLED.exec(plain);
  if (labelled && !NOT_A_RECIPIENT.test(labelled[1]))
    return { audience: labelled[1].trim(), message: labelled[2] };
  const named =
    TOLD.exec(plain) ??
    RECEIVES.exec(plain) ??
    IMPERATIVE.exec(plain) ??
    NOUN_TO.exec(plain) ??
    SUBJECT_TELLS.exec(plain);
  const audience = named?.[1].trim() ?? SLACK_CHANNEL.exec(plain)?.[1];
  return audience ? { audience } : undefined;
}
