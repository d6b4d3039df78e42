import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuthConfig, resolveJwtSecret, verifyToken } from '../../../../libs/auth/src';
import { ConsoleController, LOCAL_ADMIN } from './console.controller';
import type { ConsoleConfig } from './console.config';

const CODE = 'one-time-code-0123456789abcdef';

describe('ConsoleController (the one-time local sign-in link)', () => {
  let dataDir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'console-signin-'));
    process.env.DATA_DIR = dataDir;
    delete process.env.AUTH_JWT_SECRET;
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dataDir, { recursive: true, force: true });
  });

  const controller = (config: Partial<ConsoleConfig> = {}) =>
    new ConsoleController({ webDir: dataDir, signInCode: CODE, operatorSecret: false, ...config });

  it('trades the code for a local admin token the API accepts, once', async () => {
    const c = controller();
    const { token, user, roles } = await c.signIn({ code: CODE });
    expect({ user, roles }).toEqual(LOCAL_ADMIN);
    const claims = await verifyToken(resolveJwtSecret(loadAuthConfig()), token);
    expect(claims).toEqual({ user: 'local-admin', roles: ['admin'] });
    await expect(c.signIn({ code: CODE })).rejects.toBeInstanceOf(UnauthorizedException);
  });

  it('refuses a wrong or missing code, and the right one still works after', async () => {
    const c = controller();
    await expect(c.signIn({ code: 'nope' })).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(c.signIn({})).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(c.signIn(null)).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(c.signIn({ code: CODE })).resolves.toHaveProperty('user', 'local-admin');
  });

  it('is disabled when the operator set AUTH_JWT_SECRET, or when no code was made', async () => {
    await expect(controller({ operatorSecret: true }).signIn({ code: CODE })).rejects.toBeInstanceOf(
      ForbiddenException,
    );
    await expect(controller({ signInCode: undefined }).signIn({ code: CODE })).rejects.toBeInstanceOf(
      ForbiddenException,
    );
  });
});
