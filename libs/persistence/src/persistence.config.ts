import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../../config/src';

/** Where our own tables live: SQLite under the data folder by default, PostgreSQL when DATABASE_URL says so. */
export type PersistenceConfig =
  { driver: 'sqlite'; file: string; debug: boolean } | { driver: 'postgresql'; url: string; debug: boolean };

const env = z.object({
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z
    .string()
    .regex(
      /^(postgres(ql)?|sqlite|file):/,
      'DATABASE_URL must start with postgres://, postgresql://, sqlite: or file:',
    )
    .optional(),
  DB_DEBUG: z.enum(['true', 'false']).default('false'),
});

export function loadPersistenceConfig(source: NodeJS.ProcessEnv = process.env): PersistenceConfig {
  const { DATA_DIR, DATABASE_URL, DB_DEBUG } = parseEnv(env, source, 'database');
  const debug = DB_DEBUG === 'true';
  if (DATABASE_URL?.startsWith('postgres')) return { driver: 'postgresql', url: DATABASE_URL, debug };
  const file = DATABASE_URL
    ? DATABASE_URL.replace(/^(sqlite|file):(\/\/)?/, '')
    : join(DATA_DIR, 'rollouts.sqlite');
  return { driver: 'sqlite', file: resolve(file), debug };
}

export function describePersistence(config: PersistenceConfig): string {
  return config.driver === 'sqlite'
    ? `SQLite ${config.file}`
    : `PostgreSQL ${config.url.replace(/\/\/[^@/]*@/, '//***@')}`;
}
