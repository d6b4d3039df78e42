/** The product's own roles. Plans name roles of their own (finance, compliance, ops …): tokens may carry those too. */
export const PRODUCT_ROLES = ['admin', 'release-manager', 'operator', 'viewer'] as const;
export type ProductRole = (typeof PRODUCT_ROLES)[number];

const ROLE = /^[^\s,\p{Cc}][^,\p{Cc}]{0,62}[^\s,\p{Cc}]$|^[^\s,\p{Cc}]$/u;

/** True for a usable role name: not blank, no comma or control character, no outer spaces, at most 64 characters. */
export function isRoleName(role: string): boolean {
  return ROLE.test(role);
}

/**
 * Parses "a,b" (as typed on the command line) into role names: trimmed, each non-empty, duplicates dropped.
 * Throws naming what is wrong.
 */
export function parseRoles(text: string): string[] {
  const roles = text.split(',').map((r) => r.trim());
  if (roles.length === 1 && roles[0] === '') throw new Error('at least one role is required');
  const bad = roles.find((r) => !isRoleName(r));
  if (bad !== undefined) {
    throw new Error(bad === '' ? `empty role name in "${text}"` : `invalid role name "${bad}"`);
  }
  return [...new Set(roles)];
}
