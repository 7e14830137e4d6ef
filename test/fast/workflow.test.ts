// The workflow alone: TestWorkflowEnvironment on the project's own Temporal binary, with stub
// activities that record what happened and when. Cancel mid-run and during planning,
// continue-as-new, a failed plan.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DEFAULT_CONFIG } from '../../src/config/config.ts';
import { emptyStats, type BatchStats } from '../../src/dataset/batchStats.ts';
import type { CommitSummary } from '../../src/pipeline/commit.ts';
import type { RunPlan } from '../../src/pipeline/runPlan.ts';
import { TEMPORAL_BINARY } from '../../src/temporal/devServer.ts';
import { workflowBundlePath } from '../../src/temporal/workflowBundle.ts';
import type { GenerateResult } from '../../workflows/generateDataset.ts';
import { waitFor } from '../helpers/wait.ts';
import { smallLimitsBundlePath } from '../helpers/workflowBundles.ts';

const TASK_QUEUE = 'workflow-test';
let env: TestWorkflowEnvironment;
let bundlePath: string;

before(async () => {
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: TEMPORAL_BINARY } } });
  bundlePath = await workflowBundlePath();
});
after(async () => {
  await env?.teardown();
});

type Event = { at: number; what: string };

/** Stub activities: a plan of `batches` batches, batches that take `batchMs` (heartbeating), a commit. */
function stubs(options: {
  batches: number;
  batchMs?: number;
  planMs?: number;
  failPlan?: boolean;
  deafBatchMs?: number;
  /** This batch gives up for good (as the activity does after its attempts at a failure that is not the storage's). */
  failBatch?: number;
  failCommit?: boolean;
  /** Batches fail as storage that needs a person does, at every attempt (retried by the server). */
  batchesWaitOnStorage?: boolean;
  /** The commit waits on storage before its manifest: it heartbeats until cancelled. */
  commitWaitsMs?: number;
  /** The clean-up cannot reach the storage either. */
  abandonFails?: boolean;
  /** The commit reports the run committed with its Delta logs unfinished. */
  commitUnfinished?: boolean;
}) {
  const events: Event[] = [];
  const note = (what: string) => events.push({ at: Date.now(), what });
  const plan = (runId: string): RunPlan => ({
    runId,
    runSeq: 1,
    workflowId: 'wf',
    location: '/tmp/nowhere',
    config: { ...DEFAULT_CONFIG, numPatients: options.batches, batchSize: 1 },
    firstPatientIndex: 0,
    splitCounts: [options.batches, 0, 0],
    batchCount: options.batches,
    startedAt: new Date(0).toISOString(),
    logFileName: 'x.log',
  });
  const activities = {
    async planDatasetRun(request: { runId: string }): Promise<RunPlan> {
      note('plan started');
      if (options.failPlan) throw ApplicationFailure.nonRetryable('invalid numPatients (--patients): got -1', 'ConfigError');
      if (options.planMs) await new Promise((resolve) => setTimeout(resolve, options.planMs));
      note('plan finished');
      return plan(request.runId);
    },
    async simulateBatch(request: { batchIndex: number }): Promise<BatchStats> {
      note(`batch ${request.batchIndex} started`);
      if (options.batchesWaitOnStorage)
        throw ApplicationFailure.retryable('S3 refused the secret key (AWS_SECRET_ACCESS_KEY)', 'StorageNeedsAttention');
      if (request.batchIndex === options.failBatch) {
        note(`batch ${request.batchIndex} failed`);
        throw ApplicationFailure.nonRetryable('batch 1 failed 4 times: Parquet writer wrote 9 rows, expected 10', 'RunFailed');
      }
      if (request.batchIndex === 0 && options.deafBatchMs) {
        // Like a real batch encoding its Parquet parts: busy, no heartbeat, deaf to cancellation.
        await new Promise((resolve) => setTimeout(resolve, options.deafBatchMs));
        note('batch 0 finished');
        return { ...emptyStats(), patients: 1 };
      }
      const context = Context.current();
      const deadline = Date.now() + (options.batchMs ?? 0);
      try {
        while (Date.now() < deadline) {
          context.heartbeat();
          await context.sleep(20);
        }
      } catch (error) {
        note(`batch ${request.batchIndex} stopped`);
        throw error;
      }
      note(`batch ${request.batchIndex} finished`);
      return {
        ...emptyStats(),
        patients: 1,
        patientsPerSplit: { train: 1, val: 0, test: 0 },
        rows: { train: 10, val: 0, test: 0 },
        bytes: 100,
      };
    },
    async commitDatasetRun(): Promise<CommitSummary> {
      note('commit');
      if (options.failCommit) throw ApplicationFailure.nonRetryable('refusing to commit: part-1-0 belongs to run r0', 'PermanentRunError');
      if (options.commitWaitsMs) {
        const context = Context.current();
        const deadline = Date.now() + options.commitWaitsMs;
        try {
          while (Date.now() < deadline) {
            context.heartbeat({ step: 'publishing part files', done: 0, total: 1 });
            await context.sleep(20);
          }
        } catch (error) {
          note('commit stopped');
          throw error;
        }
      }
      return (options.commitUnfinished ? { runId: 'r', unfinished: 'run r is committed, but finishing it failed' } : {}) as CommitSummary;
    },
    async abandonDatasetRun(request: { location?: string; outputDir?: string; runId: string }): Promise<void> {
      note(`abandon ${request.location ?? request.outputDir}`);
      if (options.abandonFails)
        throw ApplicationFailure.retryable('S3 refused the secret key (AWS_SECRET_ACCESS_KEY)', 'StorageNeedsAttention');
    },
  };
  return { activities, events };
}

/** Runs `run` while a worker with these activities serves the workflow (the production bundle unless given another). */
async function withWorker<T>(activities: object, run: () => Promise<T>, codePath = bundlePath): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath },
    activities,
    maxConcurrentActivityTaskExecutions: 4,
    // Cancellation reaches an activity with its next heartbeat: no throttling in tests.
    maxHeartbeatThrottleInterval: '50 milliseconds',
    defaultHeartbeatThrottleInterval: '50 milliseconds',
  });
  return worker.runUntil(run());
}

const start = (workflowId: string) =>
  env.client.workflow.start('generateDataset', { taskQueue: TASK_QUEUE, workflowId, args: [{ ...DEFAULT_CONFIG }] });

/** Starts the workflow, waits for it to fail, and returns the ApplicationFailure it failed with. */
async function failureOf(workflowId: string): Promise<ApplicationFailure> {
  const handle = await start(workflowId);
  const error = await handle.result().then(
    () => assert.fail(`${workflowId} completed; a failure was expected`),
    (failed: unknown) => failed,
  );
  const cause = (error as WorkflowFailedError).cause;
  assert.ok(cause instanceof ApplicationFailure, String(error));
  return cause;
}

describe('generateDataset workflow (stub activities)', () => {
  it('plans, runs every batch, commits once', async () => {
    const { activities, events } = stubs({ batches: 5 });
    const result = await withWorker(activities, async () => (await start('ok')).result() as Promise<GenerateResult>);
    assert.equal(result.stats.patients, 5);
    assert.equal(events.filter((e) => e.what === 'commit').length, 1);
    assert.equal(events.filter((e) => e.what.endsWith('finished') && e.what.startsWith('batch')).length, 5);
    assert.ok(!events.some((e) => e.what.startsWith('abandon')));
  });

  it('cancelled mid-run: waits for every in-flight batch to stop, then abandons, and never commits', async () => {
    const { activities, events } = stubs({ batches: 6, batchMs: 60_000, deafBatchMs: 2000 });
    await withWorker(activities, async () => {
      const handle = await start('cancel-mid-run');
      while (events.filter((e) => e.what.endsWith('started') && e.what.startsWith('batch')).length < 4)
        await new Promise((r) => setTimeout(r, 50));
      await handle.cancel();
      await assert.rejects(
        handle.result(),
        (error: unknown) => error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
      );
    });
    const abandon = events.findIndex((e) => e.what.startsWith('abandon'));
    assert.ok(abandon >= 0, JSON.stringify(events));
    const started = events.filter((e) => /^batch \d+ started$/.test(e.what)).map((e) => e.what.split(' ')[1]);
    const settled = events
      .slice(0, abandon)
      .filter((e) => /^batch \d+ (stopped|finished)$/.test(e.what))
      .map((e) => e.what.split(' ')[1]);
    assert.deepEqual([...settled].sort(), [...started].sort(), 'every started batch settled before abandon');
    assert.ok(!events.slice(abandon).some((e) => e.what.startsWith('batch')), 'no batch ran after abandon');
    assert.ok(!events.some((e) => e.what === 'commit'));
  });

  it('cancelled while planning: the plan finishes first, then the run is abandoned (its lease released); no batch starts', async () => {
    const { activities, events } = stubs({ batches: 3, planMs: 1500 });
    await withWorker(activities, async () => {
      const handle = await start('cancel-planning');
      while (!events.some((e) => e.what === 'plan started')) await new Promise((r) => setTimeout(r, 20));
      await handle.cancel();
      await assert.rejects(
        handle.result(),
        (error: unknown) => error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
      );
    });
    assert.deepEqual(
      events.map((e) => e.what),
      ['plan started', 'plan finished', 'abandon /tmp/nowhere'],
    );
  });

  it('cancelled before planning began: abandons with the raw outputDir (nothing to drop, but no lease can leak)', async () => {
    const { activities, events } = stubs({ batches: 3 });
    const handle = await start('cancel-before-plan');
    await handle.cancel();
    await withWorker(activities, async () => {
      await assert.rejects(
        handle.result(),
        (error: unknown) => error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
      );
    });
    assert.deepEqual(
      events.map((e) => e.what),
      [`abandon ${DEFAULT_CONFIG.outputDir}`],
    );
  });

  it('continues as new before the history grows large, and commits once with every batch counted', async () => {
    const { activities, events } = stubs({ batches: 30 });
    // The workflow bundled with small limits (2 batches in flight, 40 events): the same input as a user's run.
    const result = await withWorker(
      activities,
      async () => (await start('continue')).result() as Promise<GenerateResult>,
      await smallLimitsBundlePath(),
    );
    assert.equal(result.stats.patients, 30);
    assert.equal(events.filter((e) => e.what === 'commit').length, 1);
    const statuses: string[] = [];
    for await (const execution of env.client.workflow.list({ query: `WorkflowId = 'continue'` })) statuses.push(execution.status.name);
    assert.ok(statuses.filter((s) => s === 'CONTINUED_AS_NEW').length >= 2, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 'COMPLETED').length, 1);
  });

  it('a failed plan fails the workflow with its own message and type; nothing runs', async () => {
    const { activities, events } = stubs({ batches: 3, failPlan: true });
    const cause = await withWorker(activities, () => failureOf('failed-plan'));
    assert.equal(cause.type, 'ConfigError');
    assert.match(cause.message, /invalid numPatients/);
    assert.ok(cause.nonRetryable);
    assert.deepEqual(
      events.map((e) => e.what),
      ['plan started'],
    );
  });

  it('a batch that fails for good: the other batches stop or finish, the run is abandoned, the workflow fails with the reason; no commit', async () => {
    const { activities, events } = stubs({ batches: 4, batchMs: 200, failBatch: 1 });
    const cause = await withWorker(activities, () => failureOf('failed-batch'));
    assert.equal(cause.type, 'RunFailed');
    assert.match(cause.message, /Parquet writer wrote 9 rows/);
    const what = events.map((e) => e.what);
    assert.ok(what.includes('abandon /tmp/nowhere'), what.join(', '));
    assert.ok(!what.includes('commit'));
    // Nothing ran after the clean-up.
    const abandonedAt = what.indexOf('abandon /tmp/nowhere');
    assert.ok(
      what.slice(abandonedAt + 1).every((w) => !w.startsWith('batch')),
      what.join(', '),
    );
  });

  it('a commit refused for good: the run is abandoned and the workflow fails with the reason', async () => {
    const { activities, events } = stubs({ batches: 2, failCommit: true });
    const cause = await withWorker(activities, () => failureOf('failed-commit'));
    assert.equal(cause.type, 'PermanentRunError');
    assert.match(cause.message, /refusing to commit/);
    const what = events.map((e) => e.what);
    assert.deepEqual(what.slice(-2), ['commit', 'abandon /tmp/nowhere']);
  });

  it('cancel while every batch waits on storage and the clean-up cannot reach it either: the run ends cancelled within seconds', async () => {
    const { activities, events } = stubs({ batches: 3, batchesWaitOnStorage: true, abandonFails: true });
    await withWorker(activities, async () => {
      const handle = await start('wf-cancel-waiting');
      await waitFor('three batches', () => events.filter((e) => e.what.endsWith('started')).length >= 3, 10_000);
      const cancelledAt = Date.now();
      await handle.cancel();
      await assert.rejects(
        handle.result(),
        (error: unknown) => error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
      );
      assert.ok(Date.now() - cancelledAt < 30_000, `ended ${Date.now() - cancelledAt} ms after the cancel`);
    });
    // The clean-up was tried a few times, then left to the next run.
    assert.equal(events.filter((e) => e.what.startsWith('abandon')).length, 3);
  });

  it('cancel while the commit waits on storage before its manifest: the commit stops, the run is abandoned', async () => {
    const { activities, events } = stubs({ batches: 2, commitWaitsMs: 60_000 });
    await withWorker(activities, async () => {
      const handle = await start('wf-cancel-commit');
      await waitFor('the commit', () => events.some((e) => e.what === 'commit'), 10_000);
      await handle.cancel();
      await assert.rejects(
        handle.result(),
        (error: unknown) => error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
      );
    });
    const order = events.map((e) => e.what);
    assert.ok(order.indexOf('commit stopped') < order.indexOf('abandon /tmp/nowhere'), order.join(' → '));
  });

  it('a commit that reports the run committed with its logs unfinished completes the run, never abandons it', async () => {
    const { activities, events } = stubs({ batches: 2, commitUnfinished: true });
    const result = await withWorker(activities, async () => (await start('wf-unfinished')).result());
    assert.match(result.commit.unfinished!, /is committed, but finishing it failed/);
    assert.ok(!events.some((e) => e.what.startsWith('abandon')));
  });
});
