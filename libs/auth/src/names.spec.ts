import { nameKey, roleKeys, sameName } from './names';
import { unknownRoles } from './roles';

describe('nameKey: the one way role and user names compare', () => {
  test.each([
    ['Viewer', 'viewer'],
    ['  release-manager ', 'release-manager'],
    ['Release Manager', 'release-manager'],
    ['project_lead', 'project-lead'],
    ['Project \t lead', 'project-lead'],
    ['Otto', 'otto'],
    ['alice@Example.com', 'alice@example.com'],
  ])('%j is %j', (name, key) => expect(nameKey(name)).toBe(key));

  test('same names by key; nothing equals an absent name', () => {
    expect(sameName('Otto', 'otto')).toBe(true);
    expect(sameName('otto ', 'OTTO')).toBe(true);
    expect(sameName('otto', 'otto2')).toBe(false);
    expect(sameName(undefined, 'otto')).toBe(false);
    expect(sameName(undefined, undefined)).toBe(false);
  });

  test('roleKeys folds and drops duplicates, keeping order', () => {
    expect(roleKeys(['Viewer', 'Finance Lead', 'viewer', 'finance_lead'])).toEqual([
      'viewer',
      'finance-lead',
    ]);
  });

  test('unknownRoles: neither the product’s nor a plan’s, compared by key', () => {
    expect(unknownRoles(['release-manger', 'Operator', 'finance', 'ops'], ['Finance', 'Ops'])).toEqual([
      'release-manger',
    ]);
  });
});
