import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { rolloutSearchAttributeKeys } from '../../../workflows/search-attributes';

/**
 * Registers the rollout search attributes in a namespace. The dev server gets them as start-up flags;
 * this serves the time-skipping test server and clusters set up by hand. Already-registered is fine.
 */
export async function registerRolloutSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<void> {
  const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(rolloutSearchAttributeKeys.map((k) => [k.name, KEYWORD])),
    });
  } catch (err) {
    if (!/already exists/i.test((err as Error).message)) throw err;
  }
}
