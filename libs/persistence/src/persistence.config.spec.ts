import { resolve } from 'node:path';
import { describePersistence, loadPersistenceConfig } from './persistence.config';

describe('persistence configuration', () => {
  test('SQLite under the data folder by default', () => {
    expect(loadPersistenceConfig({ DATA_DIR: '/tmp/x' })).toEqual({
      driver: 'sqlite',
      file: '/tmp/x/rollouts.sqlite',
      debug: false,
    });
    expect(loadPersistenceConfig({})).toMatchObject({
      driver: 'sqlite',
      file: resolve('data/rollouts.sqlite'),
    });
  });

  test('PostgreSQL when DATABASE_URL says so, with the password hidden in logs', () => {
    const config = loadPersistenceConfig({ DATABASE_URL: 'postgresql://u:secret@db:5432/rollouts' });
    expect(config).toEqual({
      driver: 'postgresql',
      url: 'postgresql://u:secret@db:5432/rollouts',
      debug: false,
    });
    expect(describePersistence(config)).toBe('PostgreSQL postgresql://***@db:5432/rollouts');
  });

  test('rejects an unsupported DATABASE_URL', () => {
    expect(() => loadPersistenceConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL must start with/,
    );
  });
});
