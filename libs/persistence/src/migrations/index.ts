import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_audit_entry } from './Migration20261122000000_audit_entry';
import { Migration20261122100000_adapters } from './Migration20261122100000_adapters';
import { Migration20261123000000_audit_chain } from './Migration20261123000000_audit_chain';
import { Migration20261123100000_plan_versions } from './Migration20261123100000_plan_versions';
import { Migration20261201000000_audit_prune } from './Migration20261201000000_audit_prune';
import { Migration20261202000000_projection_start_facts } from './Migration20261202000000_projection_start_facts';
import { Migration20261210000000_guardrail_readings } from './Migration20261210000000_guardrail_readings';
import { Migration20261220000000_outbox_notice_kind } from './Migration20261220000000_outbox_notice_kind';

// Migrations are code, listed here in order, so they run the same from sources (tests) and from dist.
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122000000_audit_entry', class: Migration20261122000000_audit_entry },
  { name: 'Migration20261122100000_adapters', class: Migration20261122100000_adapters },
  { name: 'Migration20261123000000_audit_chain', class: Migration20261123000000_audit_chain },
  { name: 'Migration20261123100000_plan_versions', class: Migration20261123100000_plan_versions },
  { name: 'Migration20261201000000_audit_prune', class: Migration20261201000000_audit_prune },
  {
    name: 'Migration20261202000000_projection_start_facts',
    class: Migration20261202000000_projection_start_facts,
  },
  { name: 'Migration20261210000000_guardrail_readings', class: Migration20261210000000_guardrail_readings },
  { name: 'Migration20261220000000_outbox_notice_kind', class: Migration20261220000000_outbox_notice_kind },
];
