import { readLease, type Lease } from '../pipeline/lease.ts';
import { openStore } from '../storage/openStore.ts';
import { workflowIdFor } from './connection.ts';

/** The workflow writing a dataset: the lease's (scheduled runs carry their fire time), else the dataset's own id. */
export async function datasetWorkflowId(location: string): Promise<{ workflowId: string; lease?: Lease }> {
  const lease: Lease | undefined = await readLease(openStore(location)).catch(() => undefined);
  return { workflowId: lease?.workflowId ?? workflowIdFor(location), lease };
}
