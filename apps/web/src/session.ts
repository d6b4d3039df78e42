// The only thing the console keeps: the bearer token, in this tab's session storage. The user and roles shown
// are read from the token's claims (the API verifies the token on every request).

export const TOKEN_KEY = 'rollout-console.token';

export interface Session {
  token: string;
  user: string;
  roles: string[];
  /** Expiry (ms since the epoch), when the token says. */
  expiresAt?: number;
}

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The claims of a JWT as the console shows them; undefined when it is not a readable token. */
export function readToken(token: string): Session | undefined {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '');
  const parts = trimmed.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = decodeSegment(parts[1]) as { sub?: unknown; roles?: unknown; exp?: unknown };
    if (typeof claims.sub !== 'string' || !Array.isArray(claims.roles)) return undefined;
    return {
      token: trimmed,
      user: claims.sub,
      roles: claims.roles.filter((r): r is string => typeof r === 'string'),
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
    };
  } catch {
    return undefined;
  }
}

export function loadSession(storage: Storage = sessionStorage): Session | undefined {
  const token = storage.getItem(TOKEN_KEY);
  return token ? readToken(token) : undefined;
}

export function saveSession(session: Session, storage: Storage = sessionStorage): void {
  storage.setItem(TOKEN_KEY, session.token);
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(TOKEN_KEY);
}
