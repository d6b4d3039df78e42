import { Kind, type OperationDefinitionNode, OperationTypeNode } from 'graphql';
import { codeLabel } from '../../../../libs/metrics/src';

// Pure: an operation's label values, bounded by the schema (root field names, never the client's operation
// name), and each mutation field's outcome read from the answer's errors (already formatted, as the client
// sees them).

/** Codes that answer "no" to a caller (the refusal-audit plugin's list), as opposed to faults. */
export const REFUSAL_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
]);

/** The root fields of an operation, by response key (alias or name) → field name. */
export function rootFields(operation: OperationDefinitionNode): Map<string, string> {
  const fields = new Map<string, string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
    fields.set(selection.alias?.value ?? selection.name.value, selection.name.value);
  }
  return fields;
}

/** The `field` label: the one root field, `multiple` when several, `introspection` when only `__` fields. */
export function fieldLabel(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return 'invalid';
  const names = new Set(rootFields(operation).values());
  if (names.size === 0) return 'introspection';
  return names.size === 1 ? [...names][0] : 'multiple';
}

interface AnswerError {
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface ActionOutcome {
  action: string;
  outcome: 'accepted' | 'refused' | 'failed';
  code: string;
}

/**
 * Each root field of a mutation with its outcome: accepted (no error for it), refused (a refusal code), failed
 * (any other error). An error without a path (a limit refused the whole operation) answers every field.
 */
export function actionOutcomes(
  operation: OperationDefinitionNode,
  errors: readonly AnswerError[] | undefined,
): ActionOutcome[] {
  if (operation.operation !== OperationTypeNode.MUTATION) return [];
  const whole = errors?.find((e) => !e.path?.length);
  return [...rootFields(operation)].map(([key, field]) => {
    const error = whole ?? errors?.find((e) => e.path?.[0] === key);
    if (!error) return { action: field, outcome: 'accepted', code: 'none' };
    const code = codeLabel(error.extensions?.code);
    return { action: field, outcome: REFUSAL_CODES.has(code) ? 'refused' : 'failed', code };
  });
}
