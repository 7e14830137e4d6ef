// Bad input the workflow must refuse by itself, a read-only output, and a full disk (real tmpfs).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it, type TestContext } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TEMPORAL_BINARY, type DevServer } from '../../src/temporal/devServer.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { assertCommittedLayout, assertUniquePatients } from '../helpers/datasetChecks.ts';
import { startTemporalWithDuckdb } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait.ts';

const exec = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'twin-storage-'));
let server: DevServer;
let db: DuckDBConnection;
let env: Record<string, string>;
const mounts: string[] = [];

/** A real tmpfs of the given size (root only); undefined where mounting is not permitted. */
/**
 * A tmpfs mounted for the test. Mounting needs root: under CI (CI=true, which runs as root) a
 * failed mount fails the test; elsewhere the test is skipped, saying why.
 */
function tmpfs(t: TestContext, name: string, options: string): string | undefined {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    mounts.push(dir);
    return dir;
  } catch (error) {
    const why = `mounting a tmpfs failed (needs root): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
    if (process.env.CI === 'true') assert.fail(`${why}; CI runs as root, so this is a failure there`);
    t.skip(why);
    return undefined;
  }
}

before(async () => {
  ({ server, env, db } = await startTemporalWithDuckdb());
});
after(async () => {
  for (const dir of mounts.reverse()) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  await server?.stop();
});

describe('the workflow itself rejects bad input (started from the Temporal CLI) with a non-retryable failure', () => {
  const good = {
    numPatients: 2,
    simulationDaysPerPatient: 0.1,
    windowSizeMinutes: 5,
    trainSplit: 0.7,
    valSplit: 0.15,
    batchSize: 2,
    randomSeed: 1,
    appendMode: true,
  };
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['zero patients', { numPatients: 0 }, /numPatients/],
    ['splits above 1', { trainSplit: 0.8, valSplit: 0.3 }, /trainSplit \+ valSplit/],
    ['a window longer than the simulation', { simulationDaysPerPatient: 0.002 }, /windowSizeMinutes/],
    ['an unknown key', { numPatientz: 3 }, /unknown config key numPatientz/],
    ['a string where a number belongs', { batchSize: 'ten' }, /batchSize/],
  ];
  for (const [name, override, pattern] of cases) {
    it(name, async () => {
      const worker = startCli(['worker', '--workers', '1'], env);
      const connection = await Connection.connect({ address: server.address });
      const id = `bad-${name.replace(/\W+/g, '-')}`;
      const out = join(root, id);
      try {
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
          id,
          '--input',
          JSON.stringify({ ...good, outputDir: out, ...override }),
        ]);
        const handle = new Client({ connection }).workflow.getHandle(id);
        await assert.rejects(
          handle.result(),
          (error: Error & { cause?: Error & { nonRetryable?: boolean } }) =>
            pattern.test(error.cause?.message ?? '') && error.cause?.nonRetryable === true,
        );
        const history = await handle.fetchHistory();
        const attempts = history
          .events!.filter((e) => e.activityTaskStartedEventAttributes)
          .map((e) => e.activityTaskStartedEventAttributes!.attempt);
        assert.deepEqual(attempts, [1], 'no retries');
        assert.equal(existsSync(out), false, 'nothing written');
      } finally {
        await connection.close();
        worker.child.kill('SIGTERM');
        await worker.done;
      }
    });
  }
});

describe('storage faults', () => {
  it('a read-only output location: one clear line, exit 2, nothing written', async (t) => {
    const readOnly = tmpfs(t, 'readonly', 'ro,size=1m');
    if (!readOnly) return;
    const result = await runCli(['generate', '--patients', '1', '--days', '0.1', '--out', join(readOnly, 'ds')], env);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /invalid outputDir \(--out\): .* is not writable/);
    assert.deepEqual(readdirSync(readOnly), []);
  });

  it('disk full during a run: a clear failure, committed data intact, resume finishes once space is back', async (t) => {
    const small = tmpfs(t, 'small', 'size=600k');
    if (!small) return;
    const out = join(small, 'ds');
    const first = await runCli(['generate', '--patients', '2', '--days', '0.1', '--out', out, '--workers', '1'], env);
    assert.equal(first.code, 0, first.stderr);
    const committedManifest = readFileSync(join(out, '_manifest.json'), 'utf8');

    const big = startCli(['generate', '--patients', '12', '--days', '0.5', '--batch-size', '4', '--out', out, '--workers', '1'], env);
    await waitFor('the no-space message', () => /no space left on the device/.test(big.output().stderr), 90_000);
    await waitFor('the progress line', () => /waiting for storage: no space left on the device/.test(big.output().stderr), 60_000);
    // Committed data is untouched while the run cannot write.
    assert.equal(readFileSync(join(out, '_manifest.json'), 'utf8'), committedManifest);
    assertCommittedLayout(out, { runInProgress: true });
    await assertUniquePatients(db, out, 2);
    // Detach (Ctrl-C), make room, resume.
    process.kill(-big.child.pid!, 'SIGINT');
    const detached = await big.done;
    assert.equal(detached.code, 130, detached.stderr.slice(-2000));
    assert.match(detached.stderr, /npm run resume -- --out/);
    execFileSync('mount', ['-o', 'remount,size=64m', small]);
    const resumed = await runCli(['resume', '--out', out, '--workers', '1'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertCommittedLayout(out);
    await assertUniquePatients(db, out, 14);
  });
});
