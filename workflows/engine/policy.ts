// The one role policy: who may do what to a rollout. Read by the API guard (@Roles), by the rollout workflow
// (pause, resume, abort, roll back, rollback steps) and by the phase workflow (items, skips, gates). Pure data,
// so workflows may import it. Roles are compared by `nameKey` (libs/auth/src/names.ts); `admin` may do anything.

export const ROLE_POLICY = {
  /** Roles that may do anything, whatever the plan names. */
  superRoles: ['admin'],
  /** Import plans and start rollouts. */
  startRoles: ['release-manager'],
  /** Pause, resume, abort and roll back a rollout; confirm, retry or resolve a rollback step. */
  operatorRoles: ['admin', 'release-manager', 'operator'],
  /** Report check results and metric readings, send alerts (automation and on-call). */
  automationRoles: ['operator'],
  /** Skip a checklist item, with a justification. */
  skipRoles: ['admin', 'release-manager'],
  /** Sign a phase gate when the plan names no signers. */
  gateRoles: ['admin', 'release-manager'],
  /** Read the flag store through OFREP and nothing else: the token an application's OpenFeature provider holds. */
  flagReaderRoles: ['flag-reader'],
} as const satisfies Record<string, readonly string[]>;

export type RolePolicy = typeof ROLE_POLICY;
