// Records workflow histories from real runs (the real dev server, the real activities writing a
// real dataset) into test/replay/histories/, for the replay test: a change to the workflow that
// would not replay these histories deterministically fails `npm test`.
// Usage: node --import tsx scripts/record-histories.ts   (after a deliberate, versioned change)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import proto from '@temporalio/proto';
import { PROJECT_ROOT, startDevServer } from '../src/temporal/devServer.ts';
import { leaseHolderState } from '../src/temporal/leaseHolder.ts';
import { workflowBundlePath } from '../src/temporal/workflowBundle.ts';
import { freePort } from '../test/helpers/servers.ts';
import { smallLimitsBundlePath } from '../test/helpers/workflowBundles.ts';

const TASK_QUEUE = 'record-histories';
// HISTORIES_OUT: record elsewhere (to add one history beside the kept ones, not overwrite them).
const out = process.env.HISTORIES_OUT ?? join(PROJECT_ROOT, 'test/replay/histories');
process.env.DIABETIC_TWIN_STATE_DIR = mkdtempSync(join(tmpdir(), 'record-state-'));
const server = await startDevServer({ port: await freePort() });
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
const workerWith = async (codePath: string) =>
  Worker.create({
    connection: await NativeConnection.connect({ address: server.address }),
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath },
    activities: createActivities({ leaseHolderState }),
    maxConcurrentActivityTaskExecutions: 2,
  });
const dataset = (name: string) => join(mkdtempSync(join(tmpdir(), 'record-')), name);
const config = (outputDir: string, extra: object) => ({ outputDir, simulationDaysPerPatient: 0.05, batchSize: 1, randomSeed: 3, ...extra });

async function save(name: string, workflowId: string): Promise<void> {
  const runs: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution.runId);
  for (const [i, runId] of runs.reverse().entries()) {
    // Binary protobuf: the JSON form needs @temporalio/common's protobufjs copy to be the same
    // instance as @temporalio/proto's, which npm does not guarantee (it nests two here).
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const file = join(out, `${name}${runs.length > 1 ? `-${i + 1}` : ''}.pb`);
    writeFileSync(file, proto.temporal.api.history.v1.History.encode(history).finish());
    console.log(`recorded ${file}`);
  }
}

await (
  await workerWith(await workflowBundlePath())
).runUntil(async () => {
  // A completed run of three batches, with the default horizons.
  await client.workflow.execute('generateDataset', {
    taskQueue: TASK_QUEUE,
    workflowId: 'completed',
    args: [config(dataset('completed'), { numPatients: 3 })],
  });
  await save('completed', 'completed');

  // A run cancelled while batches are in flight.
  const cancelled = await client.workflow.start('generateDataset', {
    taskQueue: TASK_QUEUE,
    workflowId: 'cancelled',
    args: [config(dataset('cancelled'), { numPatients: 6, simulationDaysPerPatient: 60 })],
  });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await cancelled.cancel();
  await cancelled.result().catch(() => undefined);
  await save('cancelled', 'cancelled');
});

// A run that continues as new: the workflow bundled with the small limits (the replay test uses the same bundle).
await (
  await workerWith(await smallLimitsBundlePath())
).runUntil(async () => {
  await client.workflow.execute('generateDataset', {
    taskQueue: TASK_QUEUE,
    workflowId: 'continued',
    args: [config(dataset('continued'), { numPatients: 20, simulationDaysPerPatient: 0.02 })],
  });
  // Visibility is eventually consistent: wait until every execution of the chain is listed.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await save('continued', 'continued');
});
await connection.close();
await server.stop();
