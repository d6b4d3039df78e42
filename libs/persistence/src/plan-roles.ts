import type { EntityManager } from '@mikro-orm/core';
import { PlanVersion } from './entities/plan-version.entity';

/**
 * Every role any imported plan version names (its checklist items' `roles`, and any other `roles` list the
 * plan carries), as written: what a token may carry besides the product's own roles.
 */
export async function rolesNamedByPlans(em: EntityManager): Promise<Set<string>> {
  const versions = await em.fork().find(PlanVersion, {}, { fields: ['id', 'plan'] });
  const roles = new Set<string>();
  for (const version of versions) collectRoles(version.plan, roles);
  return roles;
}

function collectRoles(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRoles(v, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'roles' && Array.isArray(v)) {
      for (const role of v) if (typeof role === 'string') into.add(role);
    } else collectRoles(v, into);
  }
}
