import type { AudienceLimit } from '../../plan.schema';
import { readBound } from './comparison.reader';
import { readDuration } from './duration.reader';
import { COUNT_WORD_SOURCE, stripParentheticals, tidy } from './text';

/** Reads audience limits: "bars/stations (≤5) and support agents (≤3)", "5 pilot merchants", "10% of traffic". */

/** Words after which a noun phrase has ended ("internal team members use as merchants"). */
const PHRASE_END = /\s(?:use|using|with|who|that|which|in|on|via|from|for|as|to|across|during|per)\b/i;
const GROUP_OF =
  /^(?:a\s+)?(?:limited|small|selected|select|hand-?picked\s+)?\s*(?:set|group|number|cohort|handful|subset|batch|pool|list)\s+of\s+/i;

export type Limit = Omit<AudienceLimit, 'source'>;

/**
 * Places and machines counted as such ("2 regions", "6 clusters", "1 brand of 6") keep their noun as the unit;
 * people and accounts ("8 partners", "400 employees") are the subject itself and have none.
 */
const COUNTED_UNIT =
  /^(?:the\s+)?(regions?|clusters?|brands?|zones?|availability\s+zones?|data\s*cent(?:er|re)s?|shards?|markets?|countries|country|nodes?|hosts?|pods?|cells?|rings?|sites?|servers?|instances?|stores?|warehouses?|pops?|replicas?|primary|primaries|databases?|partitions?|machines?|vms?)\b/i;

export function readAudienceLimits(text: string): Limit[] {
  return text.split(/\s*(?:,|;|\band\b|\bplus\b|\+)\s*/i).flatMap((part) => {
    const bound = readBound(part);
    if (!bound) return [];
    const after = part.slice(bound.index + bound.length);
    const subject = subjectOf(`${part.slice(0, bound.index)} ${after}`);
    const unit = bound.unit ?? COUNTED_UNIT.exec(after.replace(/[`*_]/g, ''))?.[1].toLowerCase();
    return subject === '' ? [] : [{ subject, max: bound.max, ...(unit ? { unit } : {}) }];
  });
}

function subjectOf(text: string): string {
  let subject = stripParentheticals(text.replace(/[`*_]/g, '')).replace(/^(?:the|only|up to)\s+/i, '');
  subject = subject.replace(GROUP_OF, '');
  const end = PHRASE_END.exec(` ${subject}`);
  if (end) subject = ` ${subject}`.slice(0, end.index);
  return tidy(subject.replace(/[.()≤<=]+/g, ' '));
}

/** Whether a bullet starts with a head count ("5 hand-picked pilot merchants"): an audience line. */
export function startsWithCount(text: string): boolean {
  return STARTS_WITH_COUNT.test(text) && !readDuration(text.slice(0, 24));
}

/** "5 pilot merchants", "the 8 partners", "all 6 brands", "Twenty merchants", "Ten percent of …" — not "Three days". */
const STARTS_WITH_COUNT = new RegExp(
  String.raw`^\s*(?:(?:the|about|around|roughly|approximately|some|only|all)\s+)?(?:(?:up\s+to|≤|<=|max(?:imum)?)\s*)?(?:\d+(?:\s*[-–]\s*\d+)?\s*%?|(?:${COUNT_WORD_SOURCE})(?:\s+(?:%|percent))?)\s+(?:of\s+)?[A-Za-z]`,
  'i',
);
