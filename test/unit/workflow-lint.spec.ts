import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const fixtures = 'test/fixtures/lint/workflows';

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; message: string }[];
}

function lint(file: string): LintResult {
  const r = spawnSync(
    process.execPath,
    ['node_modules/eslint/bin/eslint.js', '--no-ignore', '--format', 'json', `${fixtures}/${file}`],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const results = JSON.parse(r.stdout) as LintResult[];
  return results[0];
}

jest.setTimeout(60_000);

test('workflow files may not import Node built-ins, Nest, the ORM, the client, or activities by value', () => {
  const { messages } = lint('forbidden-imports.ts');
  const restricted = messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');
  expect(restricted.map((m) => m.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  expect(restricted[0].message).toMatch(/no Node built-ins/);
  expect(restricted[1].message).toMatch(/no Node built-ins/);
  expect(restricted[2].message).toMatch(/must not import Nest or the ORM/);
  expect(restricted[5].message).toMatch(/`import type` only/);
  expect(restricted[6].message).toMatch(/libs\/plan\/src\/model/);
  expect(restricted[7].message).toMatch(/libs\/auth\/src\/names/);
});

test('workflow files may import @temporalio/workflow, other workflow files and activities as types', () => {
  const { messages } = lint('allowed-imports.ts');
  expect(messages).toEqual([]);
});
