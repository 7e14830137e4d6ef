import type { Command } from 'commander';
import { progressQuery, type RunProgress } from '../../../workflows/generateDataset.ts';
import { readLease } from '../../pipeline/lease.ts';
import { rowsPerSplit, TABLES, type TableName } from '../../storage/layout.ts';
import { readManifest } from '../../storage/manifest.ts';
import { normaliseOutputLocation, openStore } from '../../storage/openStore.ts';
import { temporalTarget } from '../../temporal/connection.ts';
import { datasetWorkflowId } from '../../temporal/datasetWorkflow.ts';
import { EXIT, exitFor } from '../failures.ts';
import { formatBytes } from '../progressView.ts';
import { storageFailureAdvice, storageFailureClass } from '../../storage/storageErrors.ts';
import { connectClient } from '../../temporal/session.ts';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show the state of a dataset: committed runs and any run in progress.')
    .requiredOption('--out <dir>', 'dataset directory')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  npm run status -- --out /tmp/ds')
    .action(async (flags: { out: string; json?: boolean }) => {
      process.exitCode = await status(flags);
    });
}

export async function status(flags: { out: string; json?: boolean }): Promise<number> {
  let location: string;
  try {
    location = normaliseOutputLocation(flags.out);
  } catch (error) {
    return exitFor(error);
  }
  const store = openStore(location);
  let manifest: Awaited<ReturnType<typeof readManifest>>;
  let lease: Awaited<ReturnType<typeof readLease>>;
  try {
    manifest = await readManifest(store);
    lease = await readLease(store);
  } catch (error) {
    // A missing bucket or refused credentials are not an empty dataset: say what is wrong.
    if (storageFailureClass(error) === undefined) throw error;
    const problem = storageFailureAdvice(error, location);
    if (flags.json) process.stdout.write(JSON.stringify({ location, readable: false, problem }) + '\n');
    else process.stdout.write(`Dataset ${location}\n  cannot be read: ${problem}\n`);
    return EXIT.failed;
  }
  let workflow: { status: string; progress?: RunProgress } | undefined;
  const target = temporalTarget();
  try {
    const { connection, client } = await connectClient(target, { connectTimeoutMs: 2000 });
    try {
      const handle = client.workflow.getHandle((await datasetWorkflowId(location)).workflowId);
      const description = await handle.describe();
      workflow = { status: description.status.name };
      if (description.status.name === 'RUNNING') workflow.progress = await handle.query(progressQuery).catch(() => undefined);
    } finally {
      await connection.close();
    }
  } catch {
    workflow = undefined;
  }
  const result = {
    location,
    committedRuns: manifest?.runs.length ?? 0,
    patients: manifest?.totals.patient_demographics.rows ?? 0,
    rows: manifest
      ? rowsPerSplit(Object.fromEntries(TABLES.map((table) => [table, manifest.totals[table].rows])) as Record<TableName, number>)
      : undefined,
    bytes: manifest ? Object.values(manifest.totals).reduce((s, t) => s + t.bytes, 0) : 0,
    runInProgress: lease,
    workflow,
  };
  if (flags.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    const lines = [`Dataset ${location}`];
    if (!manifest) lines.push('  no committed data');
    else
      lines.push(
        `  ${result.committedRuns} committed run(s), ${result.patients} patients, rows train ` +
          `${result.rows!.train} / val ${result.rows!.val} / test ${result.rows!.test}, ` +
          `${formatBytes(result.bytes)}`,
      );
    if (result.runInProgress) lines.push(`  run in progress: ${result.runInProgress.runId} since ${result.runInProgress.startedAt}`);
    if (workflow) {
      lines.push(`  workflow ${(await datasetWorkflowId(location)).workflowId}: ${workflow.status}`);
      if (workflow.progress)
        lines.push(
          `  ${workflow.progress.phase}: batches ` +
            `${workflow.progress.batchesDone}/${workflow.progress.batchesTotal}, patients ` +
            `${workflow.progress.patientsDone}/${workflow.progress.patientsTotal}`,
        );
    } else if (result.runInProgress) {
      lines.push(`  Temporal server at ${target.address} not reachable; continue with: npm run resume -- --out ${location}`);
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  return EXIT.ok;
}
