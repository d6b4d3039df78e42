import { Migration } from '@mikro-orm/migrations';

/** The audit log. Written with the schema builder so one migration serves SQLite and PostgreSQL. */
export class Migration20261122000000_audit_entry extends Migration {
  override up(): void {
    const knex = this.getKnex();
    this.addSql(
      knex.schema
        .createTable('audit_entry', (t) => {
          t.increments('id').primary();
          t.string('idempotency_key', 255).notNullable().unique();
          t.string('rollout_id', 128).notNullable();
          t.string('actor', 255).notNullable();
          t.string('action', 128).notNullable();
          t.string('target', 255).notNullable();
          t.json('payload').notNullable();
          t.string('outcome', 32).notNullable();
          t.datetime('at').notNullable();
          t.index(['rollout_id', 'id'], 'audit_entry_rollout_id_id_index');
        })
        .toQuery(),
    );
  }

  override down(): void {
    this.addSql(this.getKnex().schema.dropTable('audit_entry').toQuery());
  }
}
