import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { withoutInheritedKeys } from '../../config/config.ts';
import { inheritOmittedKeys, refuseSchemaChange } from '../../pipeline/plan.ts';
import { readManifest } from '../../storage/manifest.ts';
import { openStore } from '../../storage/openStore.ts';
import { preflightOutput } from '../../storage/preflight.ts';
import { TASK_QUEUE, WORKFLOW_TYPE, workflowIdFor } from '../../temporal/connection.ts';
import { createRunLog } from '../../util/logger.ts';
import { followRun } from '../attach.ts';
import { EXIT, exitFor } from '../failures.ts';
import {
  addOutputOptions,
  addRunOptions,
  addWorkersOption,
  resolveRunConfig,
  type GenerateFlags,
  type OutputFlags,
} from '../runOptions.ts';
import { openSession, type Session } from '../../temporal/session.ts';

export function registerGenerate(program: Command): void {
  addOutputOptions(
    addWorkersOption(
      addRunOptions(
        program
          .command('generate')
          .description(
            'Generate (or grow) a dataset: starts the embedded Temporal dev server unless one is configured, pinned workers, and the workflow.',
          ),
      ),
    ),
  )
    .option('--no-append', 'replace the dataset (only files its manifest lists) instead of adding patients')
    .addHelpText(
      'after',
      `
Examples:
  npm run generate                                  # 1000 patients × 3 days into ml_dataset_output/
  npm run generate -- --patients 20 --days 1 --out /tmp/ds
  npm run generate -- --patients 200 --days 0.25 --workers 1 --batch-size 7 --seed 7
  npm run generate -- --patients 50 --horizons 15,30,60,120 --out /tmp/forecast
  npm run generate -- --horizons none               # the original 82-column schema
  npm run generate -- --config run.json --no-append`,
    )
    .action(async (flags: GenerateFlags & OutputFlags) => {
      process.exitCode = await generate(flags);
    });
}

export async function generate(flags: GenerateFlags & OutputFlags): Promise<number> {
  let config, workers, omitted, location: string;
  try {
    ({ config, workers, omittedInheritedKeys: omitted } = resolveRunConfig(flags));
    location = await preflightOutput(config.outputDir);
    const manifest = await readManifest(openStore(location));
    refuseSchemaChange(manifest, inheritOmittedKeys(config, manifest, omitted), location);
  } catch (error) {
    return exitFor(error);
  }
  const log = createRunLog(flags);
  const startedAtMs = Date.now();
  let session: Session | undefined;
  try {
    session = await openSession(log, { startServer: true, workers, workersElsewhere: workers === 0 });
    const workflowId = workflowIdFor(location);
    let handle;
    try {
      handle = await session.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [{ ...withoutInheritedKeys(config, omitted), outputDir: location }],
        workflowIdConflictPolicy: 'FAIL',
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        process.stderr.write(
          `error: a generation of ${location} is already running (workflow ${workflowId}); follow it with: npm ` +
            `run resume -- --out ${location}, or stop it with: npm run cancel -- --out ${location}\n`,
        );
        return EXIT.failed;
      }
      throw error;
    }
    log.logger.info(
      `started workflow ${workflowId} (run ${handle.firstExecutionRunId.slice(0, 8)}) for ${location}: ` +
        `${config.numPatients} patients × ${config.simulationDaysPerPatient} day(s), ${workers} worker(s)`,
    );
    return await followRun(handle, log, { quiet: !!flags.quiet, json: !!flags.json, location, startedAtMs });
  } catch (error) {
    return exitFor(error, log);
  } finally {
    await session?.close();
    await log.close();
  }
}
