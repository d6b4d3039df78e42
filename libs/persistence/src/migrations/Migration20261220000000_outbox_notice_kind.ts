import { Migration } from '@mikro-orm/migrations';

/**
 * What each outbox notice tells (the CloudEvents type it goes out as) and what it is about (phase, item,
 * step …), kept with the row so a redelivery sends the same event. Null for rows written before.
 */
export class Migration20261220000000_outbox_notice_kind extends Migration {
  override up(): void {
    // One addSql per statement (the SQLite driver runs only the first statement of a string).
    this.addSql('alter table outbox_message add column kind varchar(64) null');
    this.addSql('alter table outbox_message add column details text null');
  }

  override down(): void {
    this.addSql('alter table outbox_message drop column details');
    this.addSql('alter table outbox_message drop column kind');
  }
}
