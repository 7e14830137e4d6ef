// Thin Temporal adapters: validate, call src/, heartbeat, classify failures, return small results.
// Built by createActivities with their dependencies injected (as Temporal's samples do): the
// production worker takes the defaults; a test composes its own worker with its own observers.
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { ConfigError, omittedInheritedKeys, validateRunConfig, type RunConfig } from '../src/config/config.ts';
import type { BatchStats } from '../src/dataset/batchStats.ts';
import { abandonRun } from '../src/pipeline/abandon.ts';
import { commitRun, CommitUnfinishedError, type CommitProgress, type CommitSummary } from '../src/pipeline/commit.ts';
import { PermanentRunError } from '../src/pipeline/errors.ts';
import { planRun } from '../src/pipeline/plan.ts';
import type { RunPlan } from '../src/pipeline/runPlan.ts';
import { stageBatch } from '../src/pipeline/stage.ts';
import type { ObjectStore } from '../src/storage/objectStore.ts';
import { normaliseOutputLocation, openStore as openStoreAt } from '../src/storage/openStore.ts';
import { STORAGE_PATIENCE_TYPE, storageFailureType } from '../src/storage/storageErrors.ts';
import { judgeStorageFailure, type StorageVerdict, type StorageWait } from './storageFailures.ts';
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

/** The commit's steps before its manifest is written: a cancel may stop it there. */
const PRE_MANIFEST_STEPS = new Set(['reading batch results', 'publishing part files']);

/** Config errors and refusals end the run at once. */
function endIfFinal(error: unknown): void {
  if (error instanceof ConfigError || error instanceof PermanentRunError) throw ApplicationFailure.nonRetryable(error.message, error.name);
}

/** The storage wait carried from the attempt before (its last heartbeat's details). */
function carriedWait(): StorageWait | undefined {
  return (Context.current().info.heartbeatDetails as { storageWait?: StorageWait } | undefined)?.storageWait;
}

/**
 * A storage failure: said once per cause, retried under its class's type while its patience lasts
 * (the progress bar shows it), and the run ends once it has lasted longer. Returns when the failure
 * is not the storage's.
 */
function storageFailure(
  error: unknown,
  what: string,
  location: string,
  config: Partial<RunConfig>,
  details: object = {},
  since: 'carried' | 'scheduled' = 'carried',
): void {
  // The plan heartbeats nowhere else (no heartbeat timeout, so nothing is sure to be flushed): its
  // wait counts from when it was first scheduled, which is when it began to fail.
  const scheduled = Context.current().info.scheduledTimestampMs;
  const previous = since === 'scheduled' ? { needsPersonSince: scheduled, transientSince: scheduled } : carriedWait();
  const verdict = judgeStorageFailure(error, location, config, previous, Date.now());
  if (!verdict) return;
  if (verdict.end) {
    log.error(`${what}: ${verdict.message}`);
    throw ApplicationFailure.nonRetryable(verdict.message, STORAGE_PATIENCE_TYPE);
  }
  retryWithinPatience(what, verdict, details);
}

/** Another attempt after a storage failure within its patience: the cause said once, the wait handed on. */
function retryWithinPatience(what: string, verdict: StorageVerdict, details: object): never {
  if (verdict.newCause) log.warn(`${what} is waiting for storage: ${verdict.message}`);
  // Heartbeat details reach the next attempt: that is how it knows since when the storage fails.
  Context.current().heartbeat({ ...details, storageWait: verdict.wait });
  throw ApplicationFailure.retryable(verdict.message, storageFailureType(verdict.storageClass));
}

/** The plan's failures: final ones end the run, storage ones wait within their patience, anything else is retried. */
function planFailure(error: unknown, location: string | undefined, config: Partial<RunConfig>): never {
  endIfFinal(error);
  if (location) storageFailure(error, 'the plan', location, config, {}, 'scheduled');
  throw error;
}

/**
 * A committed run whose tail failed is never abandoned: a storage outage is retried while its
 * patience lasts and the retry finishes the tail; anything else (a refused write, storage that
 * needs a person, a bug) reports the run committed with what is left, which the next commit or
 * `resume` completes.
 */
function committedButUnfinished(error: CommitUnfinishedError, plan: RunPlan, details: object): CommitSummary {
  const verdict = judgeStorageFailure(error.cause, plan.location, plan.config, carriedWait(), Date.now());
  if (verdict?.storageClass === 'transient' && !verdict.end) retryWithinPatience('the commit', verdict, details);
  const unfinished = `${error.message}; the next commit of the dataset or npm run resume finishes it`;
  log.warn(unfinished);
  return { ...error.summary, unfinished };
}

/** Ends the run for a failure that retries cannot fix; a storage failure waits within its patience; others get a few attempts. */
function retryOrEnd(error: unknown, what: string, plan: RunPlan, details: object = {}): never {
  endIfFinal(error);
  storageFailure(error, what, plan.location, plan.config, details);
  const attempt = Context.current().info.attempt;
  if (attempt >= MAX_ATTEMPTS_BEYOND_STORAGE) {
    const message = `${what} failed ${attempt} times: ${(error as Error)?.message ?? String(error)}`;
    log.error(message);
    throw ApplicationFailure.nonRetryable(message, 'RunFailed');
  }
  log.warn(`${what} failed (will retry): ${(error as Error)?.message ?? String(error)}`);
  throw error;
}

export function createActivities(dependencies: Pick<ActivityDependencies, 'leaseHolderState'> & Partial<ActivityDependencies>) {
  const deps: ActivityDependencies = { openStore: openStoreAt, ...dependencies };

  async function planDatasetRun(request: { config: unknown; runId: string; workflowId: string; startedAt: string }): Promise<RunPlan> {
    let location: string | undefined;
    let config: RunConfig | undefined;
    try {
      config = validateRunConfig(request.config);
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
      planFailure(error, location, config ?? {});
    }
  }

  /** Simulates one batch of patients into staging; heartbeats once per patient. */
  async function simulateBatch(request: { plan: RunPlan; batchIndex: number }): Promise<BatchStats> {
    try {
      return await simulateBatchUnchecked(request);
    } catch (error) {
      if (error instanceof Error && error.name === 'CancelledFailure') throw error;
      retryOrEnd(error, `batch ${request.batchIndex}`, request.plan, { batchIndex: request.batchIndex });
    }
  }

  async function simulateBatchUnchecked(request: { plan: RunPlan; batchIndex: number }): Promise<BatchStats> {
    const context = Context.current();
    const startedAt = Date.now();
    // Runs inside the encoder's pull of the next patient. The event loop turns between the
    // encoder's pulls, so the SDK sends these heartbeats and sees a cancellation meanwhile.
    const storageWait = carriedWait();
    const result = await stageBatch(deps.openStore(request.plan.location), request.plan, request.batchIndex, (done) => {
      context.heartbeat({ batchIndex: request.batchIndex, patientsDone: done, storageWait });
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
    const storageWait = carriedWait();
    let last: CommitProgress | undefined;
    try {
      summary = await commitRun(deps.openStore(request.plan.location), request.plan, request.finishedAt, (progress) => {
        // The details show in `describe` (the CLI's progress bar reads them during the commit).
        last = progress;
        context.heartbeat({ ...progress, storageWait });
        deps.afterCommitStep?.(progress);
        // Cancelled before the manifest (reading results, publishing parts): stop, and the run is
        // abandoned (its published parts removed). Past the manifest the commit finishes.
        if (context.cancellationSignal.aborted && PRE_MANIFEST_STEPS.has(progress.step))
          throw context.cancellationSignal.reason ?? new Error('cancelled');
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'CancelledFailure') throw error;
      if (error instanceof CommitUnfinishedError) return committedButUnfinished(error, request.plan, last ?? {});
      retryOrEnd(error, 'commit', request.plan, last ?? {});
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
    Context.current().heartbeat({ abandoning: request.runId });
    try {
      await abandonRun(deps.openStore(location), request.runId);
    } catch (error) {
      // The workflow gives the clean-up a few quick attempts only; it says why it could not finish.
      const verdict = judgeStorageFailure(error, location, {}, undefined, Date.now());
      if (!verdict) throw error;
      log.warn(`the clean-up of run ${request.runId} failed: ${verdict.message}`);
      throw ApplicationFailure.retryable(verdict.message, storageFailureType(verdict.storageClass));
    }
    log.info('run abandoned; staging removed', { runId: request.runId });
  }

  return { planDatasetRun, simulateBatch, commitDatasetRun, abandonDatasetRun };
}

/** The activities' signatures, for the workflow's proxy. */
export type DatasetActivities = ReturnType<typeof createActivities>;
