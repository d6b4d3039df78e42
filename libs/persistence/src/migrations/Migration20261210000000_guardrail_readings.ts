import { Migration } from '@mikro-orm/migrations';

/** The latest guardrail readings a metric watcher wrote, for display (guardrail-reading.entity.ts). */
export class Migration20261210000000_guardrail_readings extends Migration {
  override up(): void {
    const knex = this.getKnex();
    // One addSql per statement (the SQLite driver runs only the first statement of a string).
    const built = knex.schema
      .createTable('guardrail_reading', (t) => {
        t.string('id', 400).primary();
        t.string('rollout_id', 128).notNullable();
        t.string('phase_id', 128).notNullable();
        t.string('guardrail_id', 128).notNullable();
        t.string('metric', 255).notNullable();
        t.string('outcome', 32).notNullable();
        t.double('value').nullable();
        t.text('reason').notNullable();
        t.json('latest').nullable();
        t.integer('readings').notNullable();
        t.json('no_data').nullable();
        t.datetime('updated_at').notNullable();
        t.index(['rollout_id'], 'guardrail_reading_rollout_id_index');
      })
      .toSQL();
    for (const { sql, bindings } of built) this.addSql(knex.raw(sql, bindings).toQuery());
  }

  override down(): void {
    this.addSql('drop table if exists guardrail_reading');
  }
}
