import type { Request } from 'express';

const header = (req: Request | undefined, name: string): string | undefined => {
  const value = req?.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim();
};

/** Until access control lands, the caller names themselves in the X-Actor header. */
export const actorOf = (req: Request | undefined): string => {
  const actor = header(req, 'x-actor');
  return actor ? actor.slice(0, 255) : 'anonymous';
};

/** The caller's roles, from the comma-separated X-Roles header (until access control lands). */
export const rolesOf = (req: Request | undefined): string[] =>
  (header(req, 'x-roles') ?? '')
    .split(',')
    .map((r) => r.trim().slice(0, 100))
    .filter(Boolean)
    .slice(0, 50);

/** Who acts, as the engine's validators check them: the X-Actor name and X-Roles roles. */
export interface RequestActor {
  id: string;
  roles: string[];
}

export const requestActor = (req: Request | undefined): RequestActor => ({
  id: actorOf(req),
  roles: rolesOf(req),
});
