// Thin Temporal adapters: validate, call src/, heartbeat, classify failures, return small results.
// Built by createActivities with their dependencies injected (as Temporal's samples do): the
// production worker takes the defaults; a test composes its own worker with its own observers.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { ConfigError, omittedInheritedKeys, validateRunConfig } from '../src/config/config.ts';
import type { BatchStats } from '../src/dataset/batchStats.ts';
import { abandonRun } from '../src/pipeline/abandon.ts';
import { commitRun, type CommitProgress, type CommitSummary } from '../src/pipeline/commit.ts';
import { PermanentRunError } from '../src/pipeline/errors.ts';
import { planRun } from '../src/pipeline/plan.ts';
import type { RunPlan } from '../src/pipeline/runPlan.ts';
import { stageBatch } from '../src/pipeline/stage.ts';
import type { ObjectStore } from '../src/storage/objectStore.ts';
import { normaliseOutputLocation, openStore as openStoreAt } from '../src/storage/openStore.ts';
import { isStorageError, STORAGE_FAILURE_TYPE } from '../src/storage/storageErrors.ts';
import type { Client } from '@temporalio/client';
import type { HolderState, Lease } from '../src/pipeline/lease.ts';

/** What the activities use from outside: the lease holder lookup is given by the worker; the rest has a production default or is optional. */
export interface ActivityDependencies {
  /** The dataset's store at a normalised location (a local directory or an s3:// URI). */
  openStore: (location: string) => ObjectStore;
  /** Whether the workflow holding a dataset's lease still runs, asked of Temporal (src/temporal/leaseHolder.ts). */
  leaseHolderState: (client: Client, holder: Lease) => Promise<HolderState>;
  /** Called after each patient of a batch is simulated, before the heartbeat yields. */
  afterPatient?: (batchIndex: number, patientsDone: number) => void;
  /** Called after each request of a commit (a batch result read, a part published, a log written). */
  afterCommitStep?: (progress: CommitProgress) => void;
}

/**
 * Attempts an activity gets for a failure that is not the storage's (a broken invariant, a bug):
 * such a failure repeats, so the run ends instead of retrying forever. Storage failures (an S3 or
 * disk outage) are retried for as long as it takes.
 */
export const MAX_ATTEMPTS_BEYOND_STORAGE = 4;

/** Config errors and refusals end the run at once. */
function endIfFinal(error: unknown): void {
  if (error instanceof ConfigError || error instanceof PermanentRunError) throw ApplicationFailure.nonRetryable(error.message, error.name);
}

/** A storage failure is retried under its own type, so the progress bar can tell an outage (retried as long as it takes) from the rest. */
function retryIfStorage(error: unknown, message: string): void {
  if (isStorageError(error)) throw ApplicationFailure.retryable(message, STORAGE_FAILURE_TYPE);
}

/** The plan's failures: final ones end the run, anything else is retried. */
function planFailure(error: unknown): never {
  endIfFinal(error);
  retryIfStorage(error, (error as Error).message);
  throw error;
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

/** Ends the run for a failure that retries cannot fix; a storage failure (or an early attempt) is retried. */
function retryOrEnd(error: unknown, what: string, location: string): never {
  endIfFinal(error);
  const attempt = Context.current().info.attempt;
  if (!isStorageError(error) && attempt >= MAX_ATTEMPTS_BEYOND_STORAGE) {
    const message = `${what} failed ${attempt} times: ${(error as Error)?.message ?? String(error)}`;
    log.error(message);
    throw ApplicationFailure.nonRetryable(message, 'RunFailed');
  }
  const explained = explainStorageError(error, location);
  log.warn(`${what} failed (will retry): ${(explained as Error).message}`);
  retryIfStorage(error, (explained as Error).message);
  throw explained;
}

/** The activities a worker registers: plan a run, simulate a batch, commit, abandon. */
export function createActivities(dependencies: Pick<ActivityDependencies, 'leaseHolderState'> & Partial<ActivityDependencies>) {
  const deps: ActivityDependencies = { openStore: openStoreAt, ...dependencies };

  async function planDatasetRun(request: { config: unknown; runId: string; workflowId: string; startedAt: string }): Promise<RunPlan> {
    try {
      const config = validateRunConfig(request.config);
      let location: string;
      try {
        location = normaliseOutputLocation(config.outputDir);
      } catch (error) {
        throw new ConfigError(`invalid outputDir (--out): ${(error as Error).message}`, 'outputDir');
      }
      const plan = await planRun(
        deps.openStore(location),
        { ...config, outputDir: location },
        request,
        omittedInheritedKeys(request.config),
        {
          holderState: (holder) => deps.leaseHolderState(Context.current().client, holder),
          onTakeover: (stale) =>
            log.warn(
              `took over the lease of ${location} from run ${stale.runId} (workflow ${stale.workflowId}, since ${stale.startedAt}): ` +
                'its workflow has closed without committing; its staging was removed',
              { staleRunId: stale.runId, staleWorkflowId: stale.workflowId },
            ),
        },
      );
      log.info('run planned', {
        runId: plan.runId,
        runSeq: plan.runSeq,
        firstPatientIndex: plan.firstPatientIndex,
        batches: plan.batchCount,
        location,
      });
      return plan;
    } catch (error) {
      planFailure(error);
    }
  }

  /** Simulates one batch of patients into staging; heartbeats once per patient. */
  async function simulateBatch(request: { plan: RunPlan; batchIndex: number }): Promise<BatchStats> {
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
    // Runs inside the encoder's pull of the next patient. The event loop turns between the
    // encoder's pulls, so the SDK sends these heartbeats and sees a cancellation meanwhile.
    const result = await stageBatch(deps.openStore(request.plan.location), request.plan, request.batchIndex, (done) => {
      context.heartbeat({ batchIndex: request.batchIndex, patientsDone: done });
      deps.afterPatient?.(request.batchIndex, done);
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

  async function commitDatasetRun(request: { plan: RunPlan; finishedAt: string }): Promise<CommitSummary> {
    const context = Context.current();
    let summary: CommitSummary;
    try {
      summary = await commitRun(deps.openStore(request.plan.location), request.plan, request.finishedAt, (progress) => {
        // The details show in `describe` (the CLI's progress bar reads them during the commit).
        context.heartbeat(progress);
        deps.afterCommitStep?.(progress);
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
  async function abandonDatasetRun(request: { location?: string; outputDir?: string; runId: string }): Promise<void> {
    let location = request.location;
    if (!location && request.outputDir) {
      try {
        location = normaliseOutputLocation(request.outputDir);
      } catch {
        return;
      }
    }
    if (!location) return;
    await abandonRun(deps.openStore(location), request.runId);
    log.info('run abandoned; staging removed', { runId: request.runId });
  }

  return { planDatasetRun, simulateBatch, commitDatasetRun, abandonDatasetRun };
}

/** The activities' signatures, for the workflow's proxy. */
export type DatasetActivities = ReturnType<typeof createActivities>;
