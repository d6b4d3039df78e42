import { Migration } from '@mikro-orm/migrations';

/** The adapters' tables: flag store and its change log, notification outbox, rollout projection. */
export class Migration20261122100000_adapters extends Migration {
  override up(): void {
    const knex = this.getKnex();
    // One addSql per statement: given several in one string, the SQLite driver runs only the first
    // (a table's indexes are separate statements there). `knex.schema` is a new builder on each access.
    const create = (table: string, build: Parameters<typeof knex.schema.createTable>[1]): void => {
      for (const { sql, bindings } of knex.schema.createTable(table, build).toSQL()) {
        this.addSql(knex.raw(sql, bindings).toQuery());
      }
    };
    // The audit log's indexes, which the first migration created on PostgreSQL only, for that reason.
    this.addSql(
      'create unique index if not exists audit_entry_idempotency_key_unique on audit_entry (idempotency_key)',
    );
    this.addSql('create index if not exists audit_entry_rollout_id_id_index on audit_entry (rollout_id, id)');
    create('flag_value', (t) => {
      t.increments('id').primary();
      t.string('key', 255).notNullable();
      t.string('segment', 128).notNullable();
      t.json('value').notNullable();
      t.string('updated_by', 255).notNullable();
      t.datetime('updated_at').notNullable();
      t.string('rollout_id', 128).nullable();
      t.unique(['key', 'segment'], { indexName: 'flag_value_key_segment_unique' });
    });
    create('flag_change', (t) => {
      t.increments('id').primary();
      t.string('idempotency_key', 255).notNullable().unique();
      t.string('rollout_id', 128).nullable();
      t.string('segment', 128).notNullable();
      t.json('changes').notNullable();
      t.json('previous').notNullable();
      t.string('actor', 255).notNullable();
      t.datetime('at').notNullable();
      t.index(['rollout_id', 'id'], 'flag_change_rollout_id_id_index');
    });
    create('outbox_message', (t) => {
      t.increments('id').primary();
      t.string('idempotency_key', 255).notNullable().unique();
      t.string('rollout_id', 128).notNullable();
      t.string('channel', 128).notNullable();
      t.string('audience', 255).nullable();
      t.text('message').notNullable();
      t.string('status', 16).notNullable();
      t.integer('attempts').notNullable();
      t.text('last_error').nullable();
      t.datetime('created_at').notNullable();
      t.datetime('sent_at').nullable();
      t.index(['rollout_id', 'id'], 'outbox_message_rollout_id_id_index');
    });
    create('rollout_projection', (t) => {
      t.string('rollout_id', 128).primary();
      t.string('workflow_id', 255).notNullable();
      t.string('plan', 128).notNullable();
      t.integer('plan_version').nullable();
      t.string('title', 255).nullable();
      t.string('status', 32).notNullable();
      t.string('current_phase', 128).nullable();
      t.datetime('started_at').notNullable();
      t.datetime('updated_at').notNullable();
      t.datetime('completed_at').nullable();
      t.integer('version').notNullable();
      t.index(['status'], 'rollout_projection_status_index');
    });
  }

  override down(): void {
    const knex = this.getKnex();
    for (const table of ['rollout_projection', 'outbox_message', 'flag_change', 'flag_value']) {
      this.addSql(knex.schema.dropTable(table).toQuery());
    }
  }
}
