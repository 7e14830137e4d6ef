// The dataset's lease: one run writes a dataset at a time, whatever started it.
import { LEASE_KEY, STAGING_PREFIX } from '../storage/layout.ts';
import { getText, type ObjectStore } from '../storage/objectStore.ts';

export interface Lease {
  runId: string;
  workflowId: string;
  startedAt: string;
}

export async function readLease(store: ObjectStore): Promise<Lease | undefined> {
  const text = await getText(store, LEASE_KEY);
  return text === undefined ? undefined : (JSON.parse(text) as Lease);
}

/** Takes the lease if nobody holds it (create-if-absent); false if it is held (perhaps by this run). */
export async function takeLease(store: ObjectStore, lease: Lease): Promise<boolean> {
  return store.putIfAbsent(LEASE_KEY, JSON.stringify(lease));
}

/** Drops the run's lease (if it holds it) and an empty `_staging/`. */
export async function releaseLease(store: ObjectStore, runId: string): Promise<void> {
  const lease = await readLease(store);
  if (lease?.runId === runId) await store.delete(LEASE_KEY);
  // Leave no empty _staging/ behind once nothing is in flight.
  if ((await store.list(STAGING_PREFIX)).length === 0) await store.deletePrefix(STAGING_PREFIX);
}
