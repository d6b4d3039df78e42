import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../../config/src';

/** Where the HS256 token secret comes from: AUTH_JWT_SECRET, or a file generated under the data folder. */
export interface AuthConfig {
  /** AUTH_JWT_SECRET when set. */
  secret: string | undefined;
  /** Used when no secret is configured: `<DATA_DIR>/jwt-secret`, generated on first use (mode 0600). */
  secretFile: string;
}

const env = z.object({
  DATA_DIR: z.string().min(1).default('data'),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 wants 256 bits)').optional(),
});

export function loadAuthConfig(source: NodeJS.ProcessEnv = process.env): AuthConfig {
  const { DATA_DIR, AUTH_JWT_SECRET } = parseEnv(env, source, 'auth');
  return { secret: AUTH_JWT_SECRET, secretFile: resolve(join(DATA_DIR, 'jwt-secret')) };
}

/**
 * The secret tokens are signed and checked with. Without AUTH_JWT_SECRET, a development secret is read
 * from `secretFile`, or generated there on first use (random, mode 0600) and reused from then on, so the
 * API, the worker and the CLI of one machine agree. Two processes generating at once agree too: the
 * file appears whole (written aside, then linked into place) and the first link wins.
 */
export function resolveJwtSecret(config: AuthConfig): string {
  if (config.secret) return config.secret;
  const existing = readSecretFile(config.secretFile);
  if (existing !== undefined) return existing;
  mkdirSync(dirname(config.secretFile), { recursive: true });
  const draft = `${config.secretFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(draft, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, config.secretFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  const secret = readSecretFile(config.secretFile);
  if (secret === undefined) throw new Error(`could not create ${config.secretFile}`);
  return secret;
}

function readSecretFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < 32) throw new Error(`${file}: the JWT secret must be at least 32 characters`);
  return secret;
}
