import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/temporal-tools';

// The console's typed operations (apps/web/src/gql, committed) match schema.graphql and the operations in
// apps/web/src: `npm run codegen` after a schema or operation change, or this fails naming what is stale.
describe('console codegen', () => {
  it('apps/web/src/gql is what GraphQL Code Generator writes from schema.graphql', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules/@graphql-codegen/cli/cjs/bin.js'),
        '--config',
        'apps/web/codegen.ts',
        '--check',
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
    );
    expect({ status: r.status, output: r.status === 0 ? '' : `${r.stdout}${r.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  }, 150_000);
});
