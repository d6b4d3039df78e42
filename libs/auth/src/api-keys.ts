import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseEnv } from '../../config/src';

/** The shortest API key taken: a guessable key would open the flags to anyone who tries. */
export const MIN_API_KEY_LENGTH = 24;

/** One API key, as the API holds it: its SHA-256 (compared in constant time) and the name the audit log uses. */
export interface ApiKey {
  /** `api-key-<first 8 hex of its SHA-256>`: tells keys apart in the audit log without writing them down. */
  name: string;
  digest: Buffer;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

const env = z.object({
  OFREP_API_KEYS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const keys = (text ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== '');
      if (keys.some((k) => k.length < MIN_API_KEY_LENGTH || /[\s\p{Cc}]/u.test(k)))
        ctx.addIssue({
          code: 'custom',
          message: `each key must be at least ${MIN_API_KEY_LENGTH} characters, without spaces or control characters`,
        });
      return keys;
    }),
});

/**
 * OFREP_API_KEYS: comma-separated keys an application may send as `X-API-Key` instead of a bearer token, to
 * read the flags (OFREP) and nothing else. None by default. A bad key stops start-up, naming the variable.
 */
export function loadApiKeys(source: NodeJS.ProcessEnv = process.env): ApiKey[] {
  return parseEnv(env, source, 'auth').OFREP_API_KEYS.map((key) => {
    const digest = sha256(key);
    return { name: `api-key-${digest.toString('hex').slice(0, 8)}`, digest };
  });
}

/** The configured key `presented` is, or undefined: every key is compared, in constant time. */
export function matchApiKey(keys: readonly ApiKey[], presented: string): ApiKey | undefined {
  const digest = sha256(presented);
  let found: ApiKey | undefined;
  for (const key of keys) if (timingSafeEqual(key.digest, digest)) found ??= key;
  return found;
}
