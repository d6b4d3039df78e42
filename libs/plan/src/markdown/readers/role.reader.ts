/** Reads who signs an approval item: "approved by Compliance", "confirmed by Finance", "sign-off recorded". */

const BY_VERB =
  /\b(?:approved|signed[- ]off|signed|confirmed|reviewed|verified|validated|accepted|authori[sz]ed|acknowledged|ratified|endorsed|cleared)\s+by\s+(.+)/i;
const FROM_ROLE = /\b(?:sign[- ]?offs?|approvals?|go[- ]ahead|consent)\s+(?:from|of)\s+(.+)/i;
const ROLE_BEFORE = /\b([A-Z][\w&]*(?:\s+[A-Z][\w&]*)?)\s+(?:sign[- ]?offs?|approvals?)\b/;
const APPROVAL_WORDS = /\b(?:sign[- ]?offs?|signed[- ]off|approvals?|approved|go\/no[- ]?go)\b/i;
/** Where a role phrase ends: punctuation or a word that starts the next clause. */
const ROLE_END =
  /[.;:,()[\]]|\s(?:before|after|prior|once|when|if|in|on|at|via|for|with|to|during|then|is|are|was|has|have|within)\b/i;

export interface Approval {
  roles: string[];
}

/** An approval item and the roles named in it (none when the text names nobody, e.g. "sign-off recorded"). */
export function readApproval(text: string): Approval | undefined {
  const named = BY_VERB.exec(text) ?? FROM_ROLE.exec(text);
  if (named) return { roles: splitRoles(named[1]) };
  if (!APPROVAL_WORDS.test(text)) return undefined;
  const before = ROLE_BEFORE.exec(text);
  const role = before && !/^(Go|No|The|A|An)$/i.test(before[1]) ? normaliseRole(before[1]) : '';
  return { roles: role === '' ? [] : [role] };
}

function splitRoles(phrase: string): string[] {
  const end = ROLE_END.exec(phrase);
  const roles = (end ? phrase.slice(0, end.index) : phrase)
    .split(/\s*(?:\/|&|\+|\band\b|\bor\b)\s*/i)
    .map(normaliseRole)
    .filter((role) => role !== '');
  return [...new Set(roles)];
}

/** "the Ops team" → `ops`, "Project Lead" → `project-lead`: roles are matched against users' roles. */
export function normaliseRole(text: string): string {
  return text
    .replace(/[`*_]/g, '')
    .trim()
    .replace(/^(?:the|an?|our)\s+/i, '')
    .replace(/\s+(?:team|group|department|dept)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
