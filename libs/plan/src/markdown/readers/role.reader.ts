/** Roles as plans name them, turned into the slugs users' roles are matched against. */

/** Where a role phrase ends: punctuation or a word that starts the next clause. */
const ROLE_END =
  /[.;:,()[\]]|\s(?:before|after|prior|once|when|if|in|on|at|via|for|with|to|during|then|is|are|was|has|have|within)\b(?!-)/i;
/** Words that are not anyone's role: "we sign off", "everyone approves". */
const NOBODY = new Set([
  'we',
  'i',
  'you',
  'they',
  'he',
  'she',
  'it',
  'someone',
  'somebody',
  'everyone',
  'everybody',
  'anyone',
  'nobody',
  'all',
  'both',
  'each',
  'team',
]);

/** "Product and Legal", "Head of Payments and Release captain" → one slug per role, in order. */
export function splitRoles(phrase: string): string[] {
  // "DBA on call" is one role; "Trust & Safety" is one team.
  const joined = phrase.replace(/\bon[- ]call\b/gi, 'on-call');
  const end = ROLE_END.exec(joined);
  const roles = (end ? joined.slice(0, end.index) : joined)
    .split(/\s*(?:\/|\+|\band\b|\bor\b)\s*/i)
    .map(normaliseRole)
    .filter((role) => role !== '' && !NOBODY.has(role));
  return [...new Set(roles)];
}

/** "the Ops team" → `ops`, "Project Lead" → `project-lead`: roles are matched against users' roles. */
export function normaliseRole(text: string): string {
  return text
    .replace(/[`*_]/g, '')
    .trim()
    .replace(/^(?:(?:the|an?|our|both|all|each)\s+)+/i, '')
    .replace(/\s+(?:both|all|together|jointly)$/i, '')
    .replace(/\s+(?:team|group|department|dept)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
