// Thin Temporal adapters: validate, call src/, heartbeat, return small results.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { activityHooks } from './hooks.ts';
import { ConfigError, omittedInheritedKeys, validateRunConfig } from '../src/config/config.ts';
import type { BatchStats } from '../src/dataset/batchStats.ts';
import type { RunPlan } from '../src/pipeline/runPlan.ts';
import { normaliseOutputLocation, openStore } from '../src/storage/openStore.ts';
import { abandonRun } from '../src/pipeline/abandon.ts';
import { commitRun, type CommitSummary } from '../src/pipeline/commit.ts';
import { PermanentRunError } from '../src/pipeline/errors.ts';
import { planRun } from '../src/pipeline/plan.ts';
import { stageBatch } from '../src/pipeline/stage.ts';
import { isStorageError, STORAGE_FAILURE_TYPE } from '../src/storage/storageErrors.ts';
import { leaseHolderState } from '../src/temporal/leaseHolder.ts';

function nonRetryable(error: unknown): never {
  if (error instanceof ConfigError || error instanceof PermanentRunError) {
    throw ApplicationFailure.nonRetryable(error.message, error.name);
  }
  if (isStorageError(error)) throw ApplicationFailure.retryable((error as Error).message, STORAGE_FAILURE_TYPE);
  throw error;
}

export async function planDatasetRun(request: { config: unknown; runId: string; workflowId: string; startedAt: string }): Promise<RunPlan> {
  try {
    const config = validateRunConfig(request.config);
    let location: string;
    try {
      location = normaliseOutputLocation(config.outputDir);
    } catch (error) {
      throw new ConfigError(`invalid outputDir (--out): ${(error as Error).message}`, 'outputDir');
    }
    const plan = await planRun(openStore(location), { ...config, outputDir: location }, request, omittedInheritedKeys(request.config), {
      holderState: (holder) => leaseHolderState(Context.current().client, holder),
      onTakeover: (stale) =>
        log.warn(
          `took over the lease of ${location} from run ${stale.runId} (workflow ${stale.workflowId}, since ${stale.startedAt}): ` +
            'its workflow has closed without committing; its staging was removed',
          { staleRunId: stale.runId, staleWorkflowId: stale.workflowId },
        ),
    });
    log.info('run planned', {
      runId: plan.runId,
      runSeq: plan.runSeq,
      firstPatientIndex: plan.firstPatientIndex,
      batches: plan.batchCount,
      location,
    });
    return plan;
  } catch (error) {
    nonRetryable(error);
  }
}

/** Storage failures that a person must act on get a message that says so; they stay retryable. */
function explainStorageError(error: unknown, location: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new Error(
      `no space left on the device holding ${location}; committed data is intact. Free space: the work is ` +
        `retried automatically (or continue later with npm run resume -- --out ${location})`,
    );
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new Error(`cannot write to ${location} (${code}); committed data is intact. Fix permissions: the work is retried automatically`);
  }
  return error;
}

/**
 * Attempts an activity gets for a failure that is not the storage's (a broken invariant, a bug):
 * such a failure repeats, so the run ends instead of retrying forever. Storage failures (an S3 or
 * disk outage) are retried for as long as it takes.
 */
export const MAX_ATTEMPTS_BEYOND_STORAGE = 4;

/** Ends the run for a failure that retries cannot fix; a storage failure (or an early attempt) is retried. */
function retryOrEnd(error: unknown, what: string, location: string): never {
  if (error instanceof PermanentRunError || error instanceof ConfigError) throw ApplicationFailure.nonRetryable(error.message, error.name);
  const attempt = Context.current().info.attempt;
  if (!isStorageError(error) && attempt >= MAX_ATTEMPTS_BEYOND_STORAGE) {
    const message = `${what} failed ${attempt} times: ${(error as Error)?.message ?? String(error)}`;
    log.error(message);
    throw ApplicationFailure.nonRetryable(message, 'RunFailed');
  }
  const explained = explainStorageError(error, location);
  log.warn(`${what} failed (will retry): ${(explained as Error).message}`);
  // Typed, so the progress bar can tell a storage outage (retried as long as it takes) from the rest.
  if (isStorageError(error)) throw ApplicationFailure.retryable((explained as Error).message, STORAGE_FAILURE_TYPE);
  throw explained;
}

/** Simulates one batch of patients into staging; heartbeats once per patient. */
export async function simulateBatch(request: { plan: RunPlan; batchIndex: number }): Promise<BatchStats> {
  try {
    return await simulateBatchUnchecked(request);
  } catch (error) {
    if (error instanceof Error && error.name === 'CancelledFailure') throw error;
    retryOrEnd(error, `batch ${request.batchIndex}`, request.plan.location);
  }
}

async function simulateBatchUnchecked(request: { plan: RunPlan; batchIndex: number }): Promise<BatchStats> {
  const context = Context.current();
  const startedAt = Date.now();
  const result = await stageBatch(openStore(request.plan.location), request.plan, request.batchIndex, async (done) => {
    context.heartbeat({ batchIndex: request.batchIndex, patientsDone: done });
    activityHooks.afterPatient?.(request.batchIndex, done);
    // Let the SDK send heartbeats and see cancellation between patients.
    await yieldToEventLoop();
    if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason ?? new Error('cancelled');
  });
  log.info('batch staged', {
    batchIndex: request.batchIndex,
    patients: result.patients,
    rows: result.rows.train + result.rows.val + result.rows.test,
    bytes: result.bytes,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
  });
  const { files: _files, batchIndex: _batchIndex, ...stats } = result;
  return stats;
}

export async function commitDatasetRun(request: { plan: RunPlan; finishedAt: string }): Promise<CommitSummary> {
  const context = Context.current();
  let summary: CommitSummary;
  try {
    summary = await commitRun(openStore(request.plan.location), request.plan, request.finishedAt, (progress) => {
      // The details show in `describe` (the CLI's progress bar reads them during the commit).
      context.heartbeat(progress);
      activityHooks.afterCommitStep?.(progress);
    });
  } catch (error) {
    retryOrEnd(error, 'commit', request.plan.location);
  }
  log.info('run committed', { runId: summary.runId, patients: summary.patients, alreadyCommitted: summary.alreadyCommitted });
  return summary;
}

/**
 * Drops an unfinished run: its staging and its lease. Given the plan's location, or (cancelled
 * while planning) the raw outputDir; an outputDir that never was valid had nothing to drop.
 */
export async function abandonDatasetRun(request: { location?: string; outputDir?: string; runId: string }): Promise<void> {
  let location = request.location;
  if (!location && request.outputDir) {
    try {
      location = normaliseOutputLocation(request.outputDir);
    } catch {
      return;
    }
  }
  if (!location) return;
  await abandonRun(openStore(location), request.runId);
  log.info('run abandoned; staging removed', { runId: request.runId });
}
