// Real crashes (SIGKILL of real processes) against the real Temporal server; the final data must be
// identical to an uninterrupted run with the same seed, with no patient missing or duplicated.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { assertCommittedLayout, assertUniquePatients, datasetHash, watchTableDirectories } from '../helpers/datasetChecks.ts';
import { duckdb } from '../helpers/duckdb.ts';
import { embeddedServerEnv, startTestTemporal } from '../helpers/servers.ts';
import { startFaultWorkers, type CrashPoint } from '../helpers/faultWorker.ts';
import { count, runLog, waitFor } from '../helpers/wait.ts';
import { isListening } from '../../src/temporal/connection.ts';

const root = mkdtempSync(join(tmpdir(), 'twin-faults-'));
const RUN = ['--patients', '12', '--days', '0.5', '--batch-size', '3', '--seed', '21'];
let server: DevServer;
let db: DuckDBConnection;
let baseline: Record<string, string>;

before(async () => {
  server = await startTestTemporal();
  db = await duckdb();
  const base = join(root, 'baseline');
  const result = await runCli(['generate', ...RUN, '--out', base, '--workers', '2'], { TEMPORAL_ADDRESS: server.address });
  assert.equal(result.code, 0, result.stderr);
  baseline = await datasetHash(db, base);
});
after(async () => {
  await server?.stop();
});

async function assertSameAsBaseline(dataset: string): Promise<void> {
  assertCommittedLayout(dataset);
  await assertUniquePatients(db, dataset, 12);
  assert.deepEqual(await datasetHash(db, dataset), baseline);
}

/**
 * Runs a generation whose only worker SIGKILLs itself at `point` inside the commit, then kills the
 * CLI's process tree too: what is left is what a crash at that moment leaves.
 */
async function killInsideCommit(out: string, point: CrashPoint): Promise<void> {
  const marker = join(root, `${point}.marker`);
  const workers = await startFaultWorkers(server.address, { crashAt: point, marker });
  const first = startCli(['generate', ...RUN, '--out', out, '--workers', '0'], { TEMPORAL_ADDRESS: server.address });
  await waitFor(`the crash at ${point}`, () => existsSync(marker));
  // The pool would restart the worker and finish the commit: stop it, and the CLI, first.
  await workers.pool.stop();
  process.kill(-first.child.pid!, 'SIGKILL');
  await first.done;
  assert.ok(readFileSync(marker, 'utf8').startsWith(point));
}

describe('crash and resume', () => {
  it('a worker SIGKILLed mid-batch is restarted, the batch retried, the run completes identically', async () => {
    const out = join(root, 'worker-killed');
    const marker = join(root, 'worker-killed.marker');
    const watcher = watchTableDirectories(out);
    // The CLI starts no worker of its own; the test's two workers (the real pool) run the batches.
    const workers = await startFaultWorkers(server.address, { crashAt: 'batch-mid', marker }, 2);
    const result = await runCli(['generate', ...RUN, '--out', out, '--workers', '0'], { TEMPORAL_ADDRESS: server.address });
    await workers.pool.stop();
    assert.deepEqual(watcher.stop(), []);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(marker), 'the worker really crashed');
    const lines = workers.lines.join('\n');
    assert.match(lines, /exited \(SIGKILL\); restarting it/);
    assert.ok(count(lines, /batch staged/) >= 4);
    await assertSameAsBaseline(out);
  });

  it('the whole process tree (CLI, embedded server, workers) SIGKILLed mid-run; resume completes it', async () => {
    const out = join(root, 'tree-killed');
    const { port, env } = await embeddedServerEnv();
    const watcher = watchTableDirectories(out);
    const first = startCli(['generate', ...RUN, '--out', out, '--workers', '1'], env);
    await waitFor('a first staged batch', () => count(runLog(out), /batch staged/) >= 1);
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.done;
    await waitFor('the embedded server to die', async () => !(await isListening(`127.0.0.1:${port}`)), 10_000);
    assert.equal(existsSync(join(out, '_manifest.json')), false, 'nothing committed yet');

    const resumed = await runCli(['resume', '--out', out, '--workers', '2'], env);
    assert.deepEqual(watcher.stop(), []);
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    assert.match(resumed.stderr, /resuming workflow/);
    await assertSameAsBaseline(out);
  });

  it('killed during commit: resume finishes the commit without duplicates', async () => {
    const out = join(root, 'commit-killed');
    await killInsideCommit(out, 'commit-after-publish');
    assert.equal(existsSync(join(out, '_manifest.json')), false, 'the manifest is not written yet');
    const resumed = await runCli(['resume', '--out', out, '--workers', '1'], { TEMPORAL_ADDRESS: server.address });
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    await assertSameAsBaseline(out);
  });

  it("killed between two tables' Delta log entries: resume writes the others, one version per table, no duplicate add", async () => {
    const out = join(root, 'delta-killed');
    await killInsideCommit(out, 'commit-between-delta-logs');
    const firstLog = (table: string) => join(out, `${table}.parquet`, '_delta_log', '00000000000000000000.json');
    assert.ok(existsSync(join(out, '_manifest.json')), 'the manifest (the commit point) is written');
    assert.deepEqual(
      ['patient_demographics', 'timeseries_features_train', 'timeseries_features_val', 'timeseries_features_test'].map((t) =>
        existsSync(firstLog(t)),
      ),
      [true, true, false, false],
    );

    const resumed = await runCli(['resume', '--out', out, '--workers', '1'], { TEMPORAL_ADDRESS: server.address });
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    await assertSameAsBaseline(out);
    const adds = readFileSync(firstLog('timeseries_features_train'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"add"'));
    assert.equal(new Set(adds).size, adds.length);
  });

  for (const [point, what] of [
    ['batch-fails', 'batch 1'],
    ['commit-fails', 'commit'],
  ] as const) {
    it(`${what} fails the same way at every attempt: the run ends within a minute, staging and lease gone, exit 1 with the reason`, async () => {
      const out = join(root, point);
      const first = await runCli(['generate', '--patients', '2', '--days', '0.1', '--out', out, '--workers', '1'], {
        TEMPORAL_ADDRESS: server.address,
      });
      assert.equal(first.code, 0, first.stderr);
      const manifest = readFileSync(join(out, '_manifest.json'), 'utf8');
      const workers = await startFaultWorkers(server.address, { failAt: point });
      const started = Date.now();
      const failed = await runCli(['generate', ...RUN, '--out', out, '--workers', '0'], { TEMPORAL_ADDRESS: server.address });
      const seconds = (Date.now() - started) / 1000;
      await workers.pool.stop();
      assert.equal(failed.code, 1, failed.stderr.slice(-2000));
      assert.match(failed.stderr, new RegExp(`${what} failed 4 times: injected failure at ${point}`));
      assert.ok(seconds < 60, `ended after ${seconds.toFixed(0)} s`);
      assert.equal(existsSync(join(out, '_staging')), false, 'staging and lease removed');
      assert.equal(readFileSync(join(out, '_manifest.json'), 'utf8'), manifest, 'committed data untouched');
      assertCommittedLayout(out);
      // The dataset is free: the next run proceeds without npm run cancel.
      const next = await runCli(['generate', '--patients', '2', '--days', '0.1', '--out', out, '--workers', '1'], {
        TEMPORAL_ADDRESS: server.address,
      });
      assert.equal(next.code, 0, next.stderr);
    });
  }
});
