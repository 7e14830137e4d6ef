import type { Lease } from '../pipeline/lease.ts';
import { LEASE_KEY } from '../storage/layout.ts';
import { getText } from '../storage/objectStore.ts';
import { openStore } from '../storage/openStore.ts';
import { workflowIdFor } from '../temporal/connection.ts';

/** The workflow writing a dataset: the lease's (scheduled runs carry their fire time), else the dataset's own id. */
export async function datasetWorkflowId(location: string): Promise<{ workflowId: string; lease?: Lease }> {
  const text = await getText(openStore(location), LEASE_KEY).catch(() => undefined);
  const lease = text ? (JSON.parse(text) as Lease) : undefined;
  return { workflowId: lease?.workflowId ?? workflowIdFor(location), lease };
}
