// Nightly growth with Temporal Schedules, one run at a time per dataset, and two worker groups.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TEMPORAL_BINARY, type DevServer } from '../../src/temporal/devServer.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { assertCommittedLayout, assertUniquePatients, datasetHash, runStaged } from '../helpers/datasetChecks.ts';
import { startTemporalWithDuckdb } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait.ts';

const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'twin-sched-'));
let server: DevServer;
let db: DuckDBConnection;
let env: Record<string, string>;

before(async () => {
  ({ server, env, db } = await startTemporalWithDuckdb());
});
after(async () => {
  await server?.stop();
});

const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, '_manifest.json'), 'utf8')) as { runs: { numPatients: number; firstPatientIndex: number }[] };
/** Runs committed to a dataset so far (0 before its first commit). */
const committedRuns = (dir: string) => (existsSync(join(dir, '_manifest.json')) ? manifestOf(dir).runs.length : 0);

describe('schedules', () => {
  it('a schedule every few seconds appends runs while workers run; a manual run meanwhile never duplicates patients', async () => {
    const out = join(root, 'nightly');
    const workers = startCli(['worker', '--workers', '2'], env);
    try {
      const created = await runCli(
        ['schedule', 'create', '--id', 'grow-test', '--every', '4s', '--patients', '3', '--days', '0.1', '--out', out],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      const listed = await runCli(['schedule', 'list'], env);
      assert.match(listed.stdout, /grow-test\tactive\tgenerateDataset/);
      await waitFor('two scheduled runs committed', () => committedRuns(out) >= 2, 90_000);
      // A manual run on the same dataset while the schedule fires: either it runs between
      // scheduled runs, or it is refused; it never writes at the same time as one.
      const manual = await runCli(['generate', '--patients', '3', '--days', '0.1', '--out', out, '--workers', '1'], env);
      assert.ok(manual.code === 0 || /being written by another run|already running/.test(manual.stderr), manual.stderr);

      const described = await runCli(['schedule', 'describe', 'grow-test'], env);
      assert.equal(described.code, 0, described.stderr);
      assert.match(described.stdout, /"numPatients": 3/);
      assert.equal((await runCli(['schedule', 'pause', 'grow-test'], env)).code, 0);
      assert.match((await runCli(['schedule', 'list'], env)).stdout, /grow-test\tpaused/);
      assert.equal((await runCli(['schedule', 'unpause', 'grow-test'], env)).code, 0);
      assert.equal((await runCli(['schedule', 'trigger', 'grow-test'], env)).code, 0);
      assert.equal((await runCli(['schedule', 'delete', 'grow-test'], env)).code, 0);
      assert.notEqual((await runCli(['schedule', 'describe', 'grow-test'], env)).code, 0);

      // Let whatever is still running finish, then check the dataset.
      await waitFor(
        'no run in progress',
        async () => !(await runCli(['status', '--out', out, '--json'], env)).stdout.includes('"runInProgress":{'),
        60_000,
      );
      const runs = manifestOf(out).runs;
      const patients = runs.reduce((sum, r) => sum + r.numPatients, 0);
      assert.ok(runs.length >= 2);
      const starts = runs.map((r) => r.firstPatientIndex);
      assert.deepEqual(
        starts,
        runs.map((_, i) => runs.slice(0, i).reduce((s, r) => s + r.numPatients, 0)),
      );
      assertCommittedLayout(out);
      await assertUniquePatients(db, out, patients);
    } finally {
      workers.child.kill('SIGTERM');
      await workers.done;
    }
  });

  it('a scheduled run terminated mid-batch (temporal workflow terminate) does not block the next scheduled run', async () => {
    const out = join(root, 'terminated-nightly');
    const workers = startCli(['worker', '--workers', '2'], env);
    try {
      const created = await runCli(
        [
          'schedule',
          'create',
          '--id',
          'terminate-test',
          '--every',
          '5s',
          '--patients',
          '120',
          '--days',
          '2',
          '--batch-size',
          '2',
          '--out',
          out,
        ],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      const leasePath = join(out, '_staging', '_lease.json');
      await waitFor('a scheduled run with a staged batch', () => runStaged(out), 60_000);
      const stale = JSON.parse(readFileSync(leasePath, 'utf8')) as { runId: string; workflowId: string };
      await exec(TEMPORAL_BINARY, [
        'workflow',
        'terminate',
        '--address',
        server.address,
        '--workflow-id',
        stale.workflowId,
        '--reason',
        'test: terminated mid-batch',
      ]);
      await waitFor('the next scheduled run committed', () => committedRuns(out) >= 1, 120_000);
      assert.equal((await runCli(['schedule', 'delete', 'terminate-test'], env)).code, 0);
      assert.match(workers.output().stdout + workers.output().stderr, new RegExp(`took over the lease of .* from run ${stale.runId}`));
      assert.ok(!manifestOf(out).runs.some((r) => (r as { runId?: string }).runId === stale.runId), 'the terminated run never committed');
      await waitFor(
        'no run in progress',
        async () => !(await runCli(['status', '--out', out, '--json'], env)).stdout.includes('"runInProgress":{'),
        120_000,
      );
      assertCommittedLayout(out);
    } finally {
      workers.child.kill('SIGTERM');
      await workers.done;
    }
  });

  it('bad schedule input: one clear line, exit 2', async () => {
    const noSpec = await runCli(['schedule', 'create', '--id', 'x', '--patients', '3'], env);
    assert.equal(noSpec.code, 2);
    assert.match(noSpec.stderr, /exactly one of --cron EXPR or --every DURATION/);
    const badEvery = await runCli(['schedule', 'create', '--id', 'x', '--every', 'soon'], env);
    assert.equal(badEvery.code, 2);
    assert.match(badEvery.stderr, /invalid --every: got "soon"/);
  });
});

describe('scale-out', () => {
  it('two worker groups share one run; killing one group leaves the other to finish it identically', async () => {
    const args = ['--patients', '12', '--days', '2', '--batch-size', '2', '--seed', '5'];
    const reference = join(root, 'scale-reference');
    const ref = await runCli(['generate', ...args, '--out', reference, '--workers', '2'], env);
    assert.equal(ref.code, 0, ref.stderr);

    const out = join(root, 'scale-out');
    const groupA = startCli(['worker', '--workers', '1', '--verbose'], env);
    const groupB = startCli(['worker', '--workers', '1', '--verbose'], env);
    const connection = await Connection.connect({ address: server.address });
    try {
      // The run starts once both groups' workers poll, and a batch is long enough (2 patient-days, ~1 s)
      // that one worker cannot take all six before the other takes one: with 0.4-day batches (0.1 s
      // each) one group's worker once staged every batch while the other's was still starting.
      await waitFor(
        'both groups polling',
        () => [groupA, groupB].every((group) => /polling diabetic-twin-dataset/.test(group.output().stderr)),
        60_000,
      );
      const input = JSON.stringify({
        numPatients: 12,
        simulationDaysPerPatient: 2,
        windowSizeMinutes: 5,
        outputDir: out,
        trainSplit: 0.7,
        valSplit: 0.15,
        batchSize: 2,
        randomSeed: 5,
        appendMode: true,
      });
      await exec(TEMPORAL_BINARY, [
        'workflow',
        'start',
        '--address',
        server.address,
        '--type',
        'generateDataset',
        '--task-queue',
        'diabetic-twin-dataset',
        '--workflow-id',
        'scale-out-test',
        '--input',
        input,
      ]);
      // Both groups take work, then group A is killed outright.
      await waitFor(
        'both groups busy',
        () => /batch staged/.test(groupA.output().stderr) && /batch staged/.test(groupB.output().stderr),
        60_000,
      );
      process.kill(-groupA.child.pid!, 'SIGKILL');
      await groupA.done;
      await new Client({ connection }).workflow.getHandle('scale-out-test').result();
      assert.deepEqual(await datasetHash(db, out), await datasetHash(db, reference));
      assertCommittedLayout(out);
    } finally {
      await connection.close();
      // Group A is still running if the test failed before killing it: a leftover process would
      // keep this test file (and the suite) waiting.
      if (groupA.child.exitCode === null && groupA.child.signalCode === null) {
        process.kill(-groupA.child.pid!, 'SIGKILL');
        await groupA.done;
      }
      groupB.child.kill('SIGTERM');
      await groupB.done;
    }
  });
});
