import { createActivityContext } from '../../../../test/support/worker-context';

// The unique indexes are what make retried writes harmless; SQLite must have every one of them.
test('migrations create every table and index on SQLite', async () => {
  const ctx = await createActivityContext();
  try {
    const sql = "select name from sqlite_master where type = 'index' and name not like 'sqlite_%'";
    const rows = (await ctx.orm.em.getConnection().execute(sql)) as { name: string }[];
    expect(rows.map((r) => r.name).sort()).toEqual([
      'audit_entry_idempotency_key_unique',
      'audit_entry_rollout_id_id_index',
      'audit_entry_seq_unique',
      'flag_change_idempotency_key_unique',
      'flag_change_rollout_id_id_index',
      'flag_value_key_segment_unique',
      'guardrail_reading_rollout_id_index',
      'outbox_message_idempotency_key_unique',
      'outbox_message_rollout_id_id_index',
      'plan_version_digest_index',
      'plan_version_name_version_unique',
      'rollout_projection_status_index',
    ]);
  } finally {
    await ctx.close();
  }
});
