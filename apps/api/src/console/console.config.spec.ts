import { loadConsoleConfig } from './console.config';

describe('loadConsoleConfig', () => {
  it('takes the sign-in code from CONSOLE_SIGNIN_CODE, and notes an operator secret', () => {
    expect(loadConsoleConfig({ CONSOLE_SIGNIN_CODE: 'x'.repeat(32) })).toMatchObject({
      signInCode: 'x'.repeat(32),
      operatorSecret: false,
    });
    expect(loadConsoleConfig({ AUTH_JWT_SECRET: 's'.repeat(40) })).toMatchObject({
      signInCode: undefined,
      operatorSecret: true,
    });
  });

  it('ignores a code too short to be unguessable', () => {
    expect(loadConsoleConfig({ CONSOLE_SIGNIN_CODE: 'short' }).signInCode).toBeUndefined();
  });

  it('serves CONSOLE_DIR when set', () => {
    expect(loadConsoleConfig({ CONSOLE_DIR: '/srv/console' }).webDir).toBe('/srv/console');
  });
});
