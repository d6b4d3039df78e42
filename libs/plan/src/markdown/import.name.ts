import type { RolloutPlan } from '../plan.schema';
import { slugify } from './readers/text';

/**
 * Words every team's plan title may carry: a title made only of them ("Production Rollout Plan") names no
 * feature, so the file the plan came in names it better.
 */
const GENERIC_WORDS = new Set([
  'production',
  'prod',
  'rollout',
  'roll',
  'out',
  'release',
  'launch',
  'deployment',
  'deploy',
  'plan',
  'go',
  'live',
  'feature',
  'staged',
  'phased',
  'gradual',
  'new',
  'our',
  'draft',
]);

export function isGenericTitle(title: string | undefined): boolean {
  if (title === undefined) return true;
  const words = slugify(title, 20).split('-');
  return words.every((word) => word === '' || GENERIC_WORDS.has(word));
}

/** `docs/Merchant Platform.md` → `merchant-platform`; undefined when the name holds no word. */
export function nameOfFile(fileName: string): string | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.(?:md|markdown|mdown|txt)$/i, '');
  return slugify(stem, 6) || undefined;
}

/** The plan takes its file's name when its title is generic or missing, and a file name is known. */
export function nameFromFile(metadata: RolloutPlan['metadata'], fileName: string | undefined): void {
  if (fileName === undefined || !isGenericTitle(metadata.title)) return;
  const name = nameOfFile(fileName);
  if (name) metadata.name = name;
}
