/**
 * The rollout plan library: the canonical `RolloutPlan` and its validation (`./model`, safe for workflow
 * code), YAML/JSON documents and the Markdown importer (for the API and the CLI).
 */
export * from './model';
export {
  parsePlanDocument,
  serializePlan,
  documentProblem,
  MAX_DOCUMENT_CHARS,
  type DocumentFormat,
} from './plan.document';
export { importMarkdown, type ImportOptions, type ImportReport, type ImportResult } from './markdown/import';
export { planChanges } from './plan.diff';
export { factsOf, factsAt, type Fact } from './plan.facts';
export { auditImport } from './markdown/import.audit';
export type { MappedLine, UnmappedLine, ImportNote } from './markdown/ledger';
