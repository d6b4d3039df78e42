import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const historiesDir = join(__dirname, '../histories');

/** With RECORD_HISTORIES=1, saves a workflow's history for the replay test (test/histories/NAME.json). */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  mkdirSync(historiesDir, { recursive: true });
  writeFileSync(join(historiesDir, `${name}.json`), historyToJSON(await handle.fetchHistory()));
}

export function recordedHistories(): { name: string; history: unknown }[] {
  return readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: f, history: JSON.parse(readFileSync(join(historiesDir, f), 'utf8')) as unknown }));
}
