import { timingSafeEqual } from 'node:crypto';
import {
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  Inject,
  Post,
  UnauthorizedException,
} from '@nestjs/common';
import { loadAuthConfig, resolveJwtSecret, signToken } from '../../../../libs/auth/src';
import { Public } from '../auth/auth.decorators';
import { CONSOLE_CONFIG, type ConsoleConfig } from './console.config';

/** The local admin the one-time link signs in. */
export const LOCAL_ADMIN = { user: 'local-admin', roles: ['admin'] };
const TTL_SECONDS = 12 * 3600;

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * POST /console/signin {code}: trades the one-time code `npm start` printed for a bearer token of the local
 * admin. The code works once; without one (or when the operator set AUTH_JWT_SECRET) the link is disabled.
 */
@Controller('console')
@Public()
export class ConsoleController {
  private used = false;

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  @Post('signin')
  @HttpCode(200)
  async signIn(@Body() body: unknown): Promise<{ token: string; user: string; roles: string[] }> {
    const { signInCode, operatorSecret } = this.config;
    if (operatorSecret || !signInCode)
      throw new ForbiddenException(
        'The local sign-in link is disabled here: sign in with a bearer token (`npm run --silent cli -- token create`).',
      );
    const code = typeof body === 'object' && body && 'code' in body ? body.code : undefined;
    if (this.used || typeof code !== 'string' || !same(code, signInCode))
      throw new UnauthorizedException(
        'This sign-in link is not valid (it works once): restart `npm start` for a new one, or sign in with a token.',
      );
    this.used = true;
    const token = await signToken(resolveJwtSecret(loadAuthConfig()), LOCAL_ADMIN, {
      ttlSeconds: TTL_SECONDS,
    });
    return { token, ...LOCAL_ADMIN };
  }
}
