import { nameKey, roleKeys } from './names';

/** The product's own roles. Plans name roles of their own (finance, compliance, ops …): tokens may carry those too. */
export const PRODUCT_ROLES = ['admin', 'release-manager', 'operator', 'viewer', 'flag-reader'] as const;
export type ProductRole = (typeof PRODUCT_ROLES)[number];

const ROLE = /^[^\s,\p{Cc}][^,\p{Cc}]{0,62}[^\s,\p{Cc}]$|^[^\s,\p{Cc}]$/u;

/** True for a usable role name: not blank, no comma or control character, no outer spaces, at most 64 characters. */
export function isRoleName(role: string): boolean {
  return ROLE.test(role);
}

/**
 * Parses "a,b" (as typed on the command line) into role names, each by its key (`nameKey`: `Release Manager`
 * is `release-manager`), each non-empty, duplicates dropped. Throws naming what is wrong.
 */
export function parseRoles(text: string): string[] {
  const roles = text.split(',').map((r) => r.trim());
  if (roles.length === 1 && roles[0] === '') throw new Error('at least one role is required');
  const bad = roles.find((r) => !isRoleName(r));
  if (bad !== undefined) {
    throw new Error(bad === '' ? `empty role name in "${text}"` : `invalid role name "${bad}"`);
  }
  return roleKeys(roles);
}

/**
 * The roles of `roles` that neither the product nor `planRoles` (every role an imported plan names) knows,
 * compared by `nameKey`; as given.
 */
export function unknownRoles(roles: readonly string[], planRoles: Iterable<string>): string[] {
  const known = new Set([...PRODUCT_ROLES, ...planRoles].map(nameKey));
  return roles.filter((r) => !known.has(nameKey(r)));
}
