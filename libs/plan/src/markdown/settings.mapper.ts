import { sourceOf, type ImportState } from './import.state';
import { readDuration } from './readers/duration.reader';
import type { Lines } from './tree';

const RETENTION = /\bretention\b|\bretain(?:ed)?\b|\bkeep\b|\bkept\b/i;
const AUDIT = /\baudit\b|\blogs?\b/i;

/** "Audit log retention configured (≥90 days)" also sets the plan's audit retention. */
export function mapRetention(state: ImportState, text: string, lines: Lines): boolean {
  if (!RETENTION.test(text) || !AUDIT.test(text)) return false;
  const duration = readDuration(text);
  if (!duration) return false;
  state.plan.settings.auditRetention = duration.iso;
  state.plan.settings.source = sourceOf(lines);
  state.ledger.map(lines, 'settings');
  return true;
}
