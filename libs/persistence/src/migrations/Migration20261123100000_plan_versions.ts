import { Migration } from '@mikro-orm/migrations';

/** Imported plan versions, immutable, one row per (name, version). */
export class Migration20261123100000_plan_versions extends Migration {
  override up(): void {
    const knex = this.getKnex();
    // One addSql per statement (the SQLite driver runs only the first statement of a string).
    const built = knex.schema
      .createTable('plan_version', (t) => {
        t.string('id', 160).primary();
        t.string('name', 128).notNullable();
        t.integer('version').notNullable();
        t.string('format', 16).notNullable();
        t.text('source').notNullable();
        t.json('plan').notNullable();
        t.string('digest', 64).notNullable();
        t.json('report').nullable();
        t.json('changes').notNullable();
        t.string('created_by', 255).notNullable();
        t.datetime('created_at').notNullable();
        t.unique(['name', 'version'], { indexName: 'plan_version_name_version_unique' });
        t.index(['digest'], 'plan_version_digest_index');
      })
      .toSQL();
    for (const { sql, bindings } of built) this.addSql(knex.raw(sql, bindings).toQuery());
  }

  override down(): void {
    this.addSql('drop table if exists plan_version');
  }
}
