import { errors, jwtVerify, SignJWT } from 'jose';
import { isRoleName } from './roles';

/** Who a token speaks for. */
export interface TokenClaims {
  /** The user (JWT `sub`): the actor the audit log names. */
  user: string;
  roles: string[];
}

/** Tokens name this issuer; a token signed with the same secret for something else is refused. */
export const TOKEN_ISSUER = 'rollout-engine';

/** Default lifetime of `token create`. */
export const DEFAULT_TOKEN_TTL = '12h';
const MAX_TTL_SECONDS = 366 * 24 * 3600;

/** Why a token was refused: `expired`, or `invalid` (bad signature, malformed, wrong issuer, no roles …). */
export class TokenError extends Error {
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

const key = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** Signs an HS256 JWT carrying `sub` (the user) and `roles`, valid for `ttlSeconds` from `now`. */
export async function signToken(
  secret: string,
  claims: TokenClaims,
  { ttlSeconds, now = new Date() }: { ttlSeconds: number; now?: Date },
): Promise<string> {
  checkClaims(claims);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new Error(`token lifetime must be 1 s to 366 days, not ${ttlSeconds} s`);
  }
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.user)
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key(secret));
}

/**
 * Checks a token's signature (HS256 only), issuer and expiry at `now`, and that it names a user and at
 * least one role. Throws `TokenError` when it does not hold.
 */
export async function verifyToken(
  secret: string,
  token: string,
  { now }: { now?: Date } = {},
): Promise<TokenClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      requiredClaims: ['sub', 'exp'],
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new TokenError('expired', 'token expired');
    if (error instanceof errors.JOSEError) throw new TokenError('invalid', `invalid token: ${error.message}`);
    throw error;
  }
  const claims = { user: payload.sub, roles: payload.roles };
  try {
    checkClaims(claims);
  } catch (error) {
    throw new TokenError('invalid', `invalid token: ${(error as Error).message}`);
  }
  return claims;
}

function checkClaims(claims: { user: unknown; roles: unknown }): asserts claims is TokenClaims {
  const { user, roles } = claims;
  if (typeof user !== 'string' || user.trim() === '' || user.length > 255) {
    throw new Error('the user must be a non-empty name of at most 255 characters');
  }
  if (!Array.isArray(roles) || roles.length === 0) throw new Error('at least one role is required');
  const bad = roles.findIndex((r) => typeof r !== 'string' || !isRoleName(r));
  if (bad >= 0) throw new Error(`invalid role name ${JSON.stringify(roles[bad]) ?? 'undefined'}`);
}

/** Parses a lifetime as typed: `90s`, `30m`, `12h`, `7d`, or plain seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 } as const;
  const seconds = match ? Number(match[1]) * unit[match[2] as keyof typeof unit] : NaN;
  if (!(seconds > 0 && seconds <= MAX_TTL_SECONDS)) {
    throw new Error(`invalid lifetime "${text}": use e.g. 90s, 30m, 12h or 7d (at most 366d)`);
  }
  return seconds;
}
