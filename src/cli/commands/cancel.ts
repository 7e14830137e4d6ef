import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { abandonRun } from '../../pipeline/abandon.ts';
import { normaliseOutputLocation, openStore } from '../../storage/openStore.ts';
import { createRunLog } from '../../util/logger.ts';
import { failureMessage, isCancelled } from '../attach.ts';
import { datasetWorkflowId } from '../../temporal/datasetWorkflow.ts';
import { EXIT, exitFor } from '../failures.ts';
import { openSession, type Session } from '../../temporal/session.ts';

export function registerCancel(program: Command): void {
  program
    .command('cancel')
    .description('Cancel the running generation of a dataset; its staging is removed, committed data is untouched.')
    .requiredOption('--out <dir>', 'dataset directory')
    .addHelpText('after', '\nExample:\n  npm run cancel -- --out /tmp/ds')
    .action(async (flags: { out: string }) => {
      process.exitCode = await cancel(flags);
    });
}

export async function cancel(flags: { out: string }): Promise<number> {
  let location: string;
  try {
    location = normaliseOutputLocation(flags.out);
  } catch (error) {
    return exitFor(error);
  }
  const log = createRunLog({});
  let session: Session | undefined;
  try {
    // One worker, so the workflow can run its clean-up (remove staging, release the lease).
    session = await openSession(log, { startServer: true, workers: 1 });
    const { workflowId, lease } = await datasetWorkflowId(location);
    const handle = session.client.workflow.getHandle(workflowId);
    const description = await handle.describe().catch((error) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
    if (!description || description.status.name !== 'RUNNING') {
      if (lease) {
        // A run that ended without cleaning up (terminated, or its history lost): drop its staging and lease.
        await abandonRun(openStore(location), lease.runId);
        process.stdout.write(`no running generation of ${location}; removed the stale lease and staging of run ${lease.runId}\n`);
      } else {
        process.stdout.write(`no running generation of ${location}\n`);
      }
      return EXIT.ok;
    }
    await handle.cancel();
    try {
      await handle.result();
      // A commit is never interrupted (it would leave the dataset between two states).
      process.stdout.write(`the generation of ${location} was already committing and finished; its run is committed\n`);
      return EXIT.failed;
    } catch (error) {
      if (!isCancelled(error)) {
        process.stdout.write(`the generation of ${location} ended with: ${failureMessage(error)}\n`);
        return EXIT.failed;
      }
    }
    process.stdout.write(`cancelled the generation of ${location}; committed data is untouched\n`);
    return EXIT.ok;
  } catch (error) {
    return exitFor(error, log);
  } finally {
    await session?.close();
    await log.close();
  }
}
