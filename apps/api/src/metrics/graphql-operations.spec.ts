import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { actionOutcomes, fieldLabel } from './graphql-operations';

const op = (source: string) =>
  parse(source).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;

test('labels by root field, never by the client-chosen operation name', () => {
  expect(fieldLabel(op('query AnyNameAtAll { rollouts { totalCount } }'))).toBe('rollouts');
  expect(fieldLabel(op('{ a: rollout(id: "1") { id } b: rollout(id: "2") { id } }'))).toBe('rollout');
  expect(fieldLabel(op('{ rollouts { totalCount } plans { name } }'))).toBe('multiple');
  expect(fieldLabel(op('{ __schema { queryType { name } } }'))).toBe('introspection');
  expect(fieldLabel(undefined)).toBe('invalid');
});

test('each mutation field is accepted, refused or failed by its own error (by alias)', () => {
  const mutation = op(
    'mutation { ok: pauseRollout(input: {}) { id } no: triggerRollback(input: {}) { id } }',
  );
  expect(
    actionOutcomes(mutation, [{ path: ['no'], extensions: { code: 'FORBIDDEN' } }]).map((o) => [
      o.action,
      o.outcome,
      o.code,
    ]),
  ).toEqual([
    ['pauseRollout', 'accepted', 'none'],
    ['triggerRollback', 'refused', 'FORBIDDEN'],
  ]);
  expect(actionOutcomes(mutation, [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }])).toEqual([
    { action: 'pauseRollout', outcome: 'failed', code: 'INTERNAL_SERVER_ERROR' },
    { action: 'triggerRollback', outcome: 'failed', code: 'INTERNAL_SERVER_ERROR' },
  ]);
  expect(actionOutcomes(op('{ rollouts { totalCount } }'), undefined)).toEqual([]);
});
