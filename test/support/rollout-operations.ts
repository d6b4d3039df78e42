/**
 * The GraphQL operations the end-to-end suites send, built around the rollout fields each suite selects, so a
 * renamed operation or input type is changed in one place.
 */
export const IMPORT_PLAN = /* GraphQL */ `
  mutation Import($input: PlanDocumentInput!) {
    importPlan(input: $input) {
      planVersion {
        id
      }
    }
  }
`;

export function rolloutOperations(fields: string) {
  const mutation = (name: string, input: string) =>
    `mutation M($input: ${input}!) { ${name}(input: $input) { ${fields} } }`;
  return {
    START: `mutation Start($input: StartRolloutInput!) { startRollout(input: $input) { ${fields} } }`,
    ROLLOUT: `query Rollout($id: ID!) { rollout(id: $id) { ${fields} } }`,
    mutation,
    COMPLETE: mutation('completeChecklistItem', 'CompleteChecklistItemInput'),
    APPROVE: mutation('approveChecklistItem', 'ChecklistItemActionInput'),
    SIGN: mutation('signOffGate', 'SignOffGateInput'),
  };
}
