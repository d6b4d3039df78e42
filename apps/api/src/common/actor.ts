import type { Request } from 'express';

/** Until access control lands, the caller names themselves in the X-Actor header. */
export const actorOf = (req: Request | undefined): string => {
  const header = req?.headers['x-actor'];
  const actor = (Array.isArray(header) ? header[0] : header)?.trim();
  return actor ? actor.slice(0, 255) : 'anonymous';
};
