import { Migration } from '@mikro-orm/migrations';

/**
 * What the API knows of a rollout at its start, for the list (the workflow does not write it): who started it,
 * its own title, its plan version's id and the plan's phase ids in order (the current phase's place, n of N).
 * Null for rows written before.
 */
export class Migration20261202000000_projection_start_facts extends Migration {
  override up(): void {
    // One addSql per statement (the SQLite driver runs only the first statement of a string).
    this.addSql('alter table rollout_projection add column started_by varchar(255) null');
    this.addSql('alter table rollout_projection add column rollout_title varchar(255) null');
    this.addSql('alter table rollout_projection add column plan_version_id varchar(255) null');
    this.addSql('alter table rollout_projection add column phase_ids text null');
  }

  override down(): void {
    this.addSql('alter table rollout_projection drop column phase_ids');
    this.addSql('alter table rollout_projection drop column plan_version_id');
    this.addSql('alter table rollout_projection drop column rollout_title');
    this.addSql('alter table rollout_projection drop column started_by');
  }
}
