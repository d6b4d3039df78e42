import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_audit_entry } from './Migration20261122000000_audit_entry';
import { Migration20261122100000_adapters } from './Migration20261122100000_adapters';

// Migrations are code, listed here in order, so they run the same from sources (tests) and from dist.
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122000000_audit_entry', class: Migration20261122000000_audit_entry },
  { name: 'Migration20261122100000_adapters', class: Migration20261122100000_adapters },
];
