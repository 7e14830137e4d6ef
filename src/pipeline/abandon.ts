import { stagingRunPrefix } from '../storage/layout.ts';
import type { ObjectStore } from '../storage/objectStore.ts';
import { releaseLease } from './lease.ts';

/** Drops an unfinished run: its staging and its lease. Committed data is untouched. */
export async function abandonRun(store: ObjectStore, runId: string): Promise<void> {
  await store.deletePrefix(stagingRunPrefix(runId));
  await releaseLease(store, runId);
}
