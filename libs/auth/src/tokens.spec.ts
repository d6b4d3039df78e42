import { SignJWT, decodeJwt } from 'jose';
import { parseRoles } from './roles';
import { parseTtl, signToken, TOKEN_ISSUER, TokenError, verifyToken } from './tokens';

const secret = 's'.repeat(40);
const now = new Date('2026-11-23T10:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

const sign = (claims = { user: 'alice', roles: ['release-manager', 'finance'] }, ttlSeconds = 3600) =>
  signToken(secret, claims, { ttlSeconds, now });

/** A token signed by hand, for claims signToken refuses to write. */
const forge = (payload: Record<string, unknown>, key = secret) =>
  new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + 3600)
    .sign(new TextEncoder().encode(key));

async function refusal(promise: Promise<unknown>): Promise<TokenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenError);
  return error as TokenError;
}

describe('signToken / verifyToken', () => {
  test('round-trips the user and roles; the token says who, what, since and until when', async () => {
    const token = await sign();
    await expect(verifyToken(secret, token, { now: later(10) })).resolves.toEqual({
      user: 'alice',
      roles: ['release-manager', 'finance'],
    });
    expect(decodeJwt(token)).toEqual({
      sub: 'alice',
      roles: ['release-manager', 'finance'],
      iss: TOKEN_ISSUER,
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 3600,
    });
  });

  test('an expired token is refused as expired', async () => {
    const token = await sign(undefined, 60);
    await expect(verifyToken(secret, token, { now: later(59) })).resolves.toMatchObject({ user: 'alice' });
    const error = await refusal(verifyToken(secret, token, { now: later(61) }));
    expect(error.reason).toBe('expired');
  });

  test('a token signed with another secret is refused', async () => {
    const token = await sign();
    const error = await refusal(verifyToken('x'.repeat(40), token, { now }));
    expect(error.reason).toBe('invalid');
    expect(error.message).toContain('signature');
  });

  test('a tampered token is refused: changed claims, or no signature at all', async () => {
    const token = await sign({ user: 'alice', roles: ['viewer'] });
    const [header, , signature] = token.split('.');
    const escalated = Buffer.from(JSON.stringify({ ...decodeJwt(token), roles: ['admin'] })).toString(
      'base64url',
    );
    expect((await refusal(verifyToken(secret, `${header}.${escalated}.${signature}`, { now }))).reason).toBe(
      'invalid',
    );
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect((await refusal(verifyToken(secret, `${none}.${escalated}.`, { now }))).reason).toBe('invalid');
    expect((await refusal(verifyToken(secret, 'not-a-token', { now }))).reason).toBe('invalid');
  });

  test.each([
    ['no roles claim', { sub: 'alice' }],
    ['empty roles', { sub: 'alice', roles: [] }],
    ['roles that are not names', { sub: 'alice', roles: ['ok', 42] }],
    ['roles as a string', { sub: 'alice', roles: 'admin' }],
    ['no user', { roles: ['admin'] }],
  ])('a token with %s is refused', async (_what, payload) => {
    const error = await refusal(verifyToken(secret, await forge(payload), { now }));
    expect(error.reason).toBe('invalid');
  });

  test('a token from another issuer sharing the secret is refused', async () => {
    const other = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('someone-else')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    expect((await refusal(verifyToken(secret, other))).reason).toBe('invalid');
  });

  test('will not sign without roles or user, or for a silly lifetime', async () => {
    await expect(sign({ user: 'alice', roles: [] })).rejects.toThrow('at least one role');
    await expect(sign({ user: ' ', roles: ['admin'] })).rejects.toThrow('user');
    await expect(sign({ user: 'alice', roles: [''] })).rejects.toThrow('invalid role name');
    await expect(sign(undefined, 0)).rejects.toThrow('lifetime');
  });
});

describe('parseRoles', () => {
  test('product and plan roles, trimmed, without duplicates', () => {
    expect(parseRoles('admin, release-manager,finance,compliance,ops,admin')).toEqual([
      'admin',
      'release-manager',
      'finance',
      'compliance',
      'ops',
    ]);
  });

  test.each([
    ['', 'at least one role'],
    ['  ', 'at least one role'],
    ['admin,,viewer', 'empty role name'],
    ['admin, ', 'empty role name'],
    ['ops\tlead', 'invalid role name'],
    ['x'.repeat(65), 'invalid role name'],
  ])('refuses %j', (text, message) => {
    expect(() => parseRoles(text)).toThrow(message);
  });
});

describe('parseTtl', () => {
  test.each([
    ['90s', 90],
    ['30m', 1800],
    ['12h', 43200],
    ['7d', 604800],
    ['3600', 3600],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseTtl(text)).toBe(seconds);
  });

  test.each(['', '0h', '-1h', '1w', '12 hours', '367d', 'h'])('refuses %j', (text) => {
    expect(() => parseTtl(text)).toThrow('invalid lifetime');
  });
});
