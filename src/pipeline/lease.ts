// The dataset's lease: one run writes a dataset at a time, whatever started it.
import { LEASE_KEY, STAGING_PREFIX, stagingRunPrefix, takeoverKey } from '../storage/layout.ts';
import { getText, type ObjectStore } from '../storage/objectStore.ts';
import { removeUnpublishedParts } from './orphanParts.ts';

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

/**
 * What the orchestrator knows of a lease's holder: its workflow chain is still running, it has
 * closed (terminated, failed, timed out, cancelled, or completed) without giving the lease back,
 * or it does not know the workflow (another cluster, history gone).
 */
export type HolderState = 'running' | 'closed' | 'unknown';

/**
 * Takes over the lease of a run whose workflow has closed: the one planner that creates the
 * takeover marker removes the stale run's staging, its parts published without a manifest, and its
 * lease (the marker last), then everyone
 * competes for the lease again by create-if-absent. Returns whether this planner removed them.
 */
export async function clearStaleLease(store: ObjectStore, stale: Lease, takenOverBy: Lease): Promise<boolean> {
  const marker = takeoverKey(stale.runId);
  if (!(await store.putIfAbsent(marker, JSON.stringify({ stale, takenOverBy })))) return false;
  await store.deletePrefix(stagingRunPrefix(stale.runId));
  await removeUnpublishedParts(store, stale.runId);
  const lease = await readLease(store);
  if (lease?.runId === stale.runId) await store.delete(LEASE_KEY);
  await store.delete(marker);
  return true;
}
