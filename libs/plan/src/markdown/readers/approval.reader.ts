import { verbPhrases, type VerbPhrase } from './language';
import { normaliseRole, splitRoles } from './role.reader';

/**
 * Reads approval items and who signs them, in any tense and form: "approved by Compliance", "Security
 * approves", "Legal has signed off", "review completed by Security", "sign-off recorded by Head of Payments
 * and Release captain", "sign-off from the Change Advisory Board", "Change Advisory Board sign-off".
 */

/** A past participle that names who approved: "approved by", "signed off on Monday by". */
const BY_VERB =
  /\b(?:approved|signed[- ]off|signed|confirmed|reviewed|verified|validated|accepted|authori[sz]ed|acknowledged|ratified|endorsed|cleared)\s+(?:(?:on|in|at|via)\s+[^,;.]{1,30}?\s+)?by\s+(.+)/i;
/** An approval noun, then who gave it: "review completed by Security", "sign-off recorded by …". */
const NOUN_THEN_BY =
  /\b(?:reviews?|approvals?|sign[- ]?offs?|go[- ]ahead|go\/no[- ]?go|consent|authori[sz]ation)\b[^.;]*?\b(?:completed|recorded|given|granted|obtained|received|done|performed|provided|issued|captured|documented|logged|held)\s+(?:by|from)\s+(.+)/i;
const FROM_ROLE =
  /\b(?:sign[- ]?offs?|approvals?|go[- ]ahead|go\/no[- ]?go|green[- ]light|consent)\s+(?:from|of)\s+(.+)/i;
/** Capitalised words before the noun: "Legal sign-off", "Change Advisory Board approval". */
const ROLE_BEFORE = /\b([A-Z][\w&]*(?:\s+[A-Z][\w&]*){0,3})\s+(?:sign[- ]?offs?|approvals?)\b/;
const APPROVAL_WORDS = /\b(?:sign[- ]?offs?|signed[- ]off|approvals?|approved|go\/no[- ]?go)\b/i;
/** Cheap test before any grammar: the line has a word an approving verb could be. */
const APPROVING_HINT =
  /\b(?:approv(?:e|es|ed|ing)|signs?(?![-\w])|signed(?!-)|signing|gives?|gave|giving|grants?|granted)\b/i;

/** Verbs that approve, by infinitive; "sign" only with "off" (people sign contracts too). */
const APPROVING = new Set(['approve', 'sign off', 'authorize', 'authorise', 'endorse', 'ratify']);
const GIVES_APPROVAL =
  /^\s+(?:(?:the|their|its|a|final|formal|written|explicit)\s+)*(?:go[- ]ahead|green[- ]light|approval|sign[- ]?off|ok|okay|thumbs[- ]up)\b/i;
/** Where the clause holding a verb's subject begins: the last of these before the verb. */
const CLAUSE_START =
  /[,;:()–—]|\s-\s|\b(?:once|when|whenever|after|before|until|till|if|then|where|so|that|which|who|while|as soon as)\b/gi;
const TRAILING = /\s+(?:both|all|also|each|formally|explicitly|then|first|jointly|together)\s*$/i;

export interface Approval {
  roles: string[];
}

/** An approval item and the roles named in it (none when the text names nobody, e.g. "sign-off recorded"). */
export function readApproval(text: string): Approval | undefined {
  const plain = text.replace(/[`*_]/g, '');
  const named = BY_VERB.exec(plain) ?? NOUN_THEN_BY.exec(plain) ?? FROM_ROLE.exec(plain);
  if (named) return { roles: splitRoles(named[1]) };
  const verb = APPROVING_HINT.test(plain) ? approvingVerb(plain) : undefined;
  if (verb) return { roles: subjectRoles(plain.slice(0, verb.index)) };
  if (!APPROVAL_WORDS.test(plain)) return undefined;
  const before = ROLE_BEFORE.exec(plain);
  const role = before && !/^(Go|No|The|A|An)\b/i.test(before[1]) ? normaliseRole(before[1]) : '';
  return { roles: role === '' ? [] : [role] };
}

/** The first verb phrase that approves: "approves", "has signed off", "gives the go-ahead". */
function approvingVerb(text: string): VerbPhrase | undefined {
  return verbPhrases(text).find((verb) => {
    // "sign-off" written as one word is the noun ("Legal sign-off obtained"), read by ROLE_BEFORE.
    if (/sign-?off/i.test(verb.text)) return false;
    const after = text.slice(verb.index + verb.length);
    if (verb.infinitive === 'sign') return /^\s+off\b/i.test(after);
    if (['give', 'grant', 'provide'].includes(verb.infinitive)) return GIVES_APPROVAL.test(after);
    return APPROVING.has(verb.infinitive);
  });
}

/** Who does it: the words of the verb's own clause, "Once QA and Legal" → qa, legal. */
function subjectRoles(before: string): string[] {
  let start = 0;
  for (const match of before.matchAll(CLAUSE_START)) start = (match.index ?? 0) + match[0].length;
  const subject = before.slice(start).replace(TRAILING, '').trim();
  if (subject === '' || subject.split(/\s+/).length > 6) return [];
  return splitRoles(subject);
}
