import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuthConfig, resolveJwtSecret } from './auth.config';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'auth-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadAuthConfig', () => {
  test('AUTH_JWT_SECRET when set, else a secret file in the data folder', () => {
    expect(loadAuthConfig({ DATA_DIR: dir, AUTH_JWT_SECRET: 'k'.repeat(32) })).toEqual({
      secret: 'k'.repeat(32),
      secretFile: join(dir, 'jwt-secret'),
    });
    expect(loadAuthConfig({ DATA_DIR: dir })).toEqual({
      secret: undefined,
      secretFile: join(dir, 'jwt-secret'),
    });
  });

  test('refuses a short secret at start-up', () => {
    expect(() => loadAuthConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(
      /Invalid auth configuration: AUTH_JWT_SECRET: must be at least 32 characters/,
    );
  });
});

describe('resolveJwtSecret', () => {
  test('uses the configured secret and writes no file', () => {
    const config = loadAuthConfig({ DATA_DIR: dir, AUTH_JWT_SECRET: 'k'.repeat(32) });
    expect(resolveJwtSecret(config)).toBe('k'.repeat(32));
    expect(() => statSync(config.secretFile)).toThrow(/ENOENT/);
  });

  test('without one, generates a random secret on first use (mode 0600) and reuses it', () => {
    const config = loadAuthConfig({ DATA_DIR: join(dir, 'not-yet') });
    const first = resolveJwtSecret(config);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(statSync(config.secretFile).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret(config)).toBe(first);
    expect(resolveJwtSecret(loadAuthConfig({ DATA_DIR: join(dir, 'not-yet') }))).toBe(first);
    expect(readFileSync(config.secretFile, 'utf8').trim()).toBe(first);

    const elsewhere = resolveJwtSecret(loadAuthConfig({ DATA_DIR: join(dir, 'other') }));
    expect(elsewhere).not.toBe(first);
  });

  test('an existing secret file is used as it is; a short one is refused', () => {
    const file = join(dir, 'jwt-secret');
    writeFileSync(file, `${'f'.repeat(48)}\n`, { mode: 0o600 });
    expect(resolveJwtSecret(loadAuthConfig({ DATA_DIR: dir }))).toBe('f'.repeat(48));
    writeFileSync(file, 'tiny\n');
    expect(() => resolveJwtSecret(loadAuthConfig({ DATA_DIR: dir }))).toThrow(/at least 32 characters/);
  });
});
