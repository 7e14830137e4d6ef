import type { Command } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { normaliseOutputLocation } from '../../storage/openStore.ts';
import { createRunLog } from '../../util/logger.ts';
import { followRun } from '../attach.ts';
import { datasetWorkflowId } from '../../temporal/datasetWorkflow.ts';
import { EXIT, exitFor } from '../failures.ts';
import { addOutputOptions, parseWorkers, type OutputFlags } from '../runOptions.ts';
import { openSession, type Session } from '../../temporal/session.ts';

export function registerResume(program: Command): void {
  addOutputOptions(
    program
      .command('resume')
      .description('Attach to, or continue, an interrupted run of a dataset (restarts the embedded server from its saved state if needed).')
      .requiredOption('--out <dir>', 'dataset directory')
      .option('--workers <n>', 'worker processes (default all cores)'),
  )
    .addHelpText('after', '\nExample:\n  npm run resume -- --out /tmp/ds')
    .action(async (flags: { out: string; workers?: string } & OutputFlags) => {
      process.exitCode = await resume(flags);
    });
}

export async function resume(flags: { out: string; workers?: string } & OutputFlags): Promise<number> {
  let workers: number;
  let location: string;
  try {
    workers = parseWorkers(flags.workers);
    location = normaliseOutputLocation(flags.out);
  } catch (error) {
    return exitFor(error);
  }
  const log = createRunLog(flags);
  let session: Session | undefined;
  try {
    session = await openSession(log, { startServer: true, workers, workersElsewhere: workers === 0 });
    const handle = session.client.workflow.getHandle((await datasetWorkflowId(location)).workflowId);
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        process.stderr.write(`error: no generation of ${location} is known to the Temporal server at ${session.target.address}\n`);
        return EXIT.failed;
      }
      throw error;
    }
    if (description.status.name !== 'RUNNING') {
      process.stdout.write(
        `the last generation of ${location} is ${description.status.name.toLowerCase()} (workflow ${description.workflowId}); nothing to resume\n`,
      );
      return description.status.name === 'COMPLETED' ? EXIT.ok : EXIT.failed;
    }
    log.logger.info(`resuming workflow ${description.workflowId} for ${location}`);
    return await followRun(handle, log, {
      quiet: !!flags.quiet,
      json: !!flags.json,
      location,
      startedAtMs: description.startTime.getTime(),
    });
  } catch (error) {
    return exitFor(error, log);
  } finally {
    await session?.close();
    await log.close();
  }
}
