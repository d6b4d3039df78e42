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
  /\b(?:sign[- ]?offs?|approvals?|go[- ]ahead|go\/no[- ]?go|green[- ]light|consent)\s+(?:from|of|by)\s+(.+)/i;
/** Words before the noun, the first capitalised: "Legal sign-off", "Release manager approval". */
const ROLE_BEFORE = /\b([A-Z][\w&]*(?:\s+(?:&\s+)?[A-Za-z][\w&]*){0,3})\s+(?:sign[- ]?offs?|approvals?)\b/;
/** A terse acknowledgement: "oncall ack", "SRE acks". */
const ACK = /^\s*([\w-]+(?:\s+[\w-]+)?)\s+ack(?:s|ed)?\b/i;
const APPROVAL_WORDS = /\b(?:sign[- ]?offs?|signed[- ]off|approvals?|approved|go\/no[- ]?go)\b/i;
/** Cheap test before any grammar: the line has a word an approving verb could be. */
const APPROVING_HINT =
  /\b(?:approv(?:e|es|ed|ing)|signs?(?![-\w])|signed(?!-)|signing|gives?|gave|giving|grants?|granted|review(?:s|ed)|confirm(?:s|ed)?)\b/i;

/** Verbs that approve, by infinitive; "sign" only with "off" (people sign contracts too). */
const APPROVING = new Set(['approve', 'sign off', 'authorize', 'authorise', 'endorse', 'ratify']);
/** Verbs that approve only when someone named does them: "Legal has reviewed", not "we review the logs". */
const APPROVING_WHEN_NAMED = new Set(['review', 'confirm']);
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
  // "DBRE on-call confirms the plans, and the service owner has approved": one gate, each clause a sign-off.
  const clauses = text.split(/,\s*(?:and|but)\s+|;\s+/i);
  if (clauses.length > 1) {
    const found = clauses.map(readClauseApproval).filter((a): a is Approval => a !== undefined);
    if (found.length > 1) return { roles: [...new Set(found.flatMap((a) => a.roles))] };
  }
  return readClauseApproval(text);
}

function readClauseApproval(text: string): Approval | undefined {
  const plain = text.replace(/[`*_]/g, '');
  const named = BY_VERB.exec(plain) ?? NOUN_THEN_BY.exec(plain) ?? FROM_ROLE.exec(plain);
  if (named) return { roles: splitRoles(named[1]) };
  const verb = APPROVING_HINT.test(plain) ? approvingVerb(plain) : undefined;
  if (verb) {
    const roles = subjectRoles(plain.slice(0, verb.index));
    if (roles.length > 0 || !verb.whenNamed) return { roles };
  }
  const ack = ACK.exec(plain);
  if (ack) return { roles: splitRoles(ack[1]) };
  if (!APPROVAL_WORDS.test(plain)) return undefined;
  const before = ROLE_BEFORE.exec(plain);
  const role = before && !/^(Go|No|The|A|An)\b/i.test(before[1]) ? normaliseRole(before[1]) : '';
  return { roles: role === '' ? [] : [role] };
}

/** The first verb phrase that approves: "approves", "has signed off", "has to approve", "gives the go-ahead". */
function approvingVerb(text: string): (VerbPhrase & { whenNamed: boolean }) | undefined {
  for (const verb of verbPhrases(text)) {
    // "sign-off" written as one word is the noun ("Legal sign-off obtained"), read by ROLE_BEFORE.
    if (/sign-?off/i.test(verb.text)) continue;
    const after = text.slice(verb.index + verb.length);
    const lemma = verb.infinitive.replace(/^to\s+/, '').replace(/\s+that$/, '');
    if (lemma === 'sign' ? /^\s+off\b/i.test(after) : APPROVING.has(lemma))
      return { ...verb, whenNamed: false };
    if (['give', 'grant', 'provide'].includes(lemma) && GIVES_APPROVAL.test(after))
      return { ...verb, whenNamed: false };
    // "Legal has reviewed" is a sign-off; "support reviewed the tickets" is work done.
    if (lemma === 'review' && !/^(?:has|have)\b/i.test(verb.text)) continue;
    if (APPROVING_WHEN_NAMED.has(lemma)) return { ...verb, whenNamed: true };
  }
  return undefined;
}

/** Who does it: the words of the verb's own clause, "Once QA and Legal" → qa, legal. */
function subjectRoles(before: string): string[] {
  let start = 0;
  for (const match of before.matchAll(CLAUSE_START)) start = (match.index ?? 0) + match[0].length;
  let subject = before.slice(start).replace(TRAILING, '').trim();
  // "… for 72 hours and the growth PM": a long clause joined by "and" ends with its subject.
  if (subject.split(/\s+/).length > 4 && /\band\b/i.test(subject))
    subject = subject.replace(/^.*\band\s+/i, '');
  if (subject === '' || subject.split(/\s+/).length > 6) return [];
  return splitRoles(subject);
}
