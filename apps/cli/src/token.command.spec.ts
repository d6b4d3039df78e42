import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { loadAuthConfig, resolveJwtSecret, verifyToken } from '../../../libs/auth/src';
import { EXIT, main } from './main';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'token-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(env: NodeJS.ProcessEnv, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

describe('token create', () => {
  test('prints just a token, signed with AUTH_JWT_SECRET, for the user and roles, 12 hours by default', async () => {
    const secret = 'k'.repeat(32);
    const { code, stdout, stderr } = await run(
      { DATA_DIR: dataDir, AUTH_JWT_SECRET: secret },
      'token',
      'create',
      '--user',
      'alice',
      '--roles',
      'release-manager, Operator',
    );
    expect({ code, stderr }).toEqual({ code: EXIT.OK, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    await expect(verifyToken(secret, stdout.trim())).resolves.toEqual({
      user: 'alice',
      roles: ['release-manager', 'operator'],
    });
    const { iat, exp } = decodeJwt(stdout.trim());
    expect(exp! - iat!).toBe(12 * 3600);
    expect(() => statSync(join(dataDir, 'jwt-secret'))).toThrow(/ENOENT/);
  });

  test('without AUTH_JWT_SECRET, signs with the data folder’s generated secret, the same each time', async () => {
    const env = { DATA_DIR: dataDir };
    const first = await run(env, 'token', 'create', '--user', 'bot', '--roles', 'operator', '--ttl', '30m');
    const second = await run(env, 'token', 'create', '--user', 'carol', '--roles', 'viewer');
    expect([first.code, second.code]).toEqual([EXIT.OK, EXIT.OK]);
    const secret = resolveJwtSecret(loadAuthConfig(env));
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    await expect(verifyToken(secret, first.stdout.trim())).resolves.toEqual({
      user: 'bot',
      roles: ['operator'],
    });
    await expect(verifyToken(secret, second.stdout.trim())).resolves.toEqual({
      user: 'carol',
      roles: ['viewer'],
    });
    const { iat, exp } = decodeJwt(first.stdout.trim());
    expect(exp! - iat!).toBe(30 * 60);
  });

  test.each([
    [['--user', 'alice', '--roles', ''], 'at least one role'],
    [['--user', 'alice', '--roles', 'admin,,ops'], 'empty role name'],
    [['--user', ' ', '--roles', 'admin'], '--user must not be empty'],
    [['--user', 'alice', '--roles', 'admin', '--ttl', '2 weeks'], 'invalid lifetime'],
    [['--user', 'alice'], "required option '--roles <roles>' not specified"],
  ])('refuses %j: exit 2, no token', async (args, message) => {
    const { code, stdout, stderr } = await run({ DATA_DIR: dataDir }, 'token', 'create', ...args);
    expect(code).toBe(EXIT.USAGE);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  test('a bad AUTH_JWT_SECRET is reported, not used', async () => {
    const { code, stdout, stderr } = await run(
      { DATA_DIR: dataDir, AUTH_JWT_SECRET: 'short' },
      'token',
      'create',
      '--user',
      'alice',
      '--roles',
      'admin',
    );
    expect(code).toBe(EXIT.USAGE);
    expect(stdout).toBe('');
    expect(stderr).toContain('AUTH_JWT_SECRET: must be at least 32 characters');
  });
});
