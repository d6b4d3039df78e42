import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the built console is, and the one-time local sign-in code (`npm start` makes one). */
export interface ConsoleConfig {
  /** The folder `vite build` wrote (index.html, graphiql.html, assets/). */
  webDir: string;
  /**
   * The one-time code of the local admin sign-in link, from CONSOLE_SIGNIN_CODE. Ignored (the link is
   * disabled) when the operator sets AUTH_JWT_SECRET: tokens then come from whoever holds that secret.
   */
  signInCode: string | undefined;
  /** Whether AUTH_JWT_SECRET is set. */
  operatorSecret: boolean;
}

export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');

/** dist/web beside the built API (dist/apps/api/src/console → dist/web), or CONSOLE_DIR. */
function defaultWebDir(): string {
  const besideBuild = resolve(__dirname, '../../../../web');
  if (existsSync(join(besideBuild, 'index.html'))) return besideBuild;
  return resolve(process.cwd(), 'dist/web');
}

export function loadConsoleConfig(source: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const code = source.CONSOLE_SIGNIN_CODE?.trim();
  return {
    webDir: source.CONSOLE_DIR ? resolve(source.CONSOLE_DIR) : defaultWebDir(),
    signInCode: code && code.length >= 16 ? code : undefined,
    operatorSecret: Boolean(source.AUTH_JWT_SECRET),
  };
}
