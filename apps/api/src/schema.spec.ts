import { readFileSync } from 'node:fs';
import { printApiSchema, SCHEMA_FILE } from './schema';

// schema.graphql is the API's contract, committed for reviewers and clients: it must match the code.
test('schema.graphql is the schema the code builds (npm run schema rewrites it)', async () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  expect(await printApiSchema()).toBe(committed);
});
