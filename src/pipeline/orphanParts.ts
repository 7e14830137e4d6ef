import { TABLES, tableDirectory } from '../storage/layout.ts';
import { readManifest } from '../storage/manifest.ts';
import type { ObjectStore } from '../storage/objectStore.ts';

/**
 * Removes the part files of a run that the manifest does not list: what a commit stopped or failed
 * mid-publish left in the table directories. A run the manifest lists is committed: nothing of it
 * is touched.
 */
export async function removeUnpublishedParts(store: ObjectStore, runId: string): Promise<number> {
  const manifest = await readManifest(store);
  if (manifest?.runs.some((run) => run.runId === runId)) return 0;
  const listed = new Set(manifest?.files.map((file) => file.path));
  let removed = 0;
  for (const table of TABLES) {
    for (const key of await store.list(`${tableDirectory(table)}/`)) {
      if (!key.endsWith(`-${runId}.parquet`) || listed.has(key)) continue;
      await store.delete(key);
      removed++;
    }
  }
  return removed;
}
