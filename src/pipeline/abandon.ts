import { stagingRunPrefix } from '../storage/layout.ts';
import type { ObjectStore } from '../storage/objectStore.ts';
import { releaseLease } from './lease.ts';
import { removeUnpublishedParts } from './orphanParts.ts';

/**
 * Drops an unfinished run: its staging, any of its part files a commit had published before its
 * manifest was written, and its lease. Committed data is untouched.
 */
export async function abandonRun(store: ObjectStore, runId: string): Promise<void> {
  await store.deletePrefix(stagingRunPrefix(runId));
  await removeUnpublishedParts(store, runId);
  await releaseLease(store, runId);
}
