// Whether the workflow holding a dataset's lease still runs, asked of Temporal by workflow id.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { HolderState, Lease } from '../pipeline/lease.ts';

/**
 * The lease names the workflow id and the first run id of its chain. The latest execution of that
 * workflow id tells all: if it belongs to the holder's chain (a large run continues as new, so its
 * first execution reads as closed while the chain goes on), the chain runs exactly when it runs;
 * if it belongs to a later chain (`generate` reuses one workflow id per dataset), the holder's
 * chain has closed, since a workflow id has at most one open execution.
 */
export async function leaseHolderState(client: Client, holder: Lease): Promise<HolderState> {
  try {
    const latest = await client.workflow.getHandle(holder.workflowId).describe();
    const chain = latest.raw.workflowExecutionInfo?.firstRunId || latest.runId;
    if (chain !== holder.runId) return 'closed';
    return latest.status.name === 'RUNNING' ? 'running' : 'closed';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'unknown';
    throw error;
  }
}
