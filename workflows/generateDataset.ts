// Deterministic orchestration only: plan → batches (bounded concurrency) → commit.
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  ActivityFailure,
  continueAsNew,
  defineQuery,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DatasetActivities } from '../activities/index.ts';
import type { CommitSummary } from '../src/pipeline/commit.ts';
import { addStats, emptyStats, type BatchStats } from '../src/dataset/batchStats.ts';
import type { RunPlan } from '../src/pipeline/runPlan.ts';

import { PROGRESS_QUERY } from '../src/temporal/names.ts';
import { DEFAULT_LIMITS, type WorkflowLimits } from './limits.ts';

export type RunPhase = 'planning' | 'simulating' | 'committing' | 'done' | 'cancelling' | 'failing';

export interface RunProgress {
  phase: RunPhase;
  runId?: string;
  location?: string;
  batchesDone: number;
  batchesTotal: number;
  patientsDone: number;
  patientsTotal: number;
  rows: number;
  bytes: number;
  startedAt: string;
}

export interface GenerateResult {
  plan: RunPlan;
  commit: CommitSummary;
  stats: BatchStats;
}

/** State carried across continue-as-new: everything below nextBatch is staged. */
export interface Continuation {
  plan: RunPlan;
  nextBatch: number;
  stats: BatchStats;
  /** The first execution's limits (histories recorded before they became fixed carry them too). */
  limits?: WorkflowLimits;
}

export const progressQuery = defineQuery<RunProgress>(PROGRESS_QUERY);

// A cancelled run waits for its planning and its in-flight batches to finish or stop, so that
// nothing writes into the dataset after the clean-up (abandon) has run.
const { planDatasetRun } = proxyActivities<DatasetActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
const { simulateBatch } = proxyActivities<DatasetActivities>({
  startToCloseTimeout: '2 hours',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  // A SIGKILLed worker is noticed through the heartbeat: keep it short so the batch is retried soon.
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const { commitDatasetRun } = proxyActivities<DatasetActivities>({
  startToCloseTimeout: '30 minutes',
  // The commit heartbeats per file, so a crash mid-commit is retried (and finished) promptly.
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  // A cancel reaches a commit that has not written its manifest (it stops); one past it finishes.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
// The clean-up gets a few quick attempts: storage it cannot reach must not hold the run open. What
// it leaves (staging, the lease) is taken over and removed by the dataset's next run.
const { abandonDatasetRun } = proxyActivities<DatasetActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 3 },
});

/** The clean-up, out of a cancel's reach, which never fails the workflow: a failure is logged and left for the next run. */
async function abandon(request: Parameters<typeof abandonDatasetRun>[0]): Promise<void> {
  try {
    await CancellationScope.nonCancellable(() => abandonDatasetRun(request));
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn('the clean-up could not reach the storage; the next run of the dataset takes over its staging and lease', {
      runId: request.runId,
      cause: error.cause?.message ?? error.message,
    });
  }
}

/** The one workflow type: `generateDataset`, one JSON argument with the camelCase config fields. */
export async function generateDataset(config: unknown, continuation?: Continuation): Promise<GenerateResult> {
  const limits: WorkflowLimits = continuation?.limits ?? DEFAULT_LIMITS;
  const info = workflowInfo();
  const progress: RunProgress = {
    phase: 'planning',
    batchesDone: 0,
    batchesTotal: 0,
    patientsDone: 0,
    patientsTotal: 0,
    rows: 0,
    bytes: 0,
    startedAt: continuation?.plan.startedAt ?? info.startTime.toISOString(),
  };
  setHandler(progressQuery, () => progress);

  let plan: RunPlan;
  if (continuation) {
    plan = continuation.plan;
  } else {
    try {
      plan = await planDatasetRun({ config, runId: info.firstExecutionRunId, workflowId: info.workflowId, startedAt: progress.startedAt });
    } catch (error) {
      if (isCancellation(error)) {
        // Cancelled while planning: the plan may have taken the lease; give it back.
        progress.phase = 'cancelling';
        await abandon({ outputDir: outputDirOf(config), runId: info.firstExecutionRunId });
        throw error;
      }
      // Bad input and a locked dataset are final: surface the activity's own message.
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
        throw ApplicationFailure.nonRetryable(error.cause.message, error.cause.type ?? 'InvalidRun');
      }
      throw error;
    }
  }
  const stats = continuation?.stats ?? emptyStats();
  Object.assign(progress, {
    phase: 'simulating',
    runId: plan.runId,
    location: plan.location,
    batchesTotal: plan.batchCount,
    batchesDone: continuation?.nextBatch ?? 0,
    patientsTotal: plan.config.numPatients,
  });
  const refresh = () => {
    progress.patientsDone = stats.patients;
    progress.rows = stats.rows.train + stats.rows.val + stats.rows.test;
    progress.bytes = stats.bytes;
  };
  refresh();

  const inFlight = new Map<number, Promise<void>>();
  try {
    let nextBatch = continuation?.nextBatch ?? 0;
    const historyIsLarge = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limits.historyEventsBeforeContinue;
    while (nextBatch < plan.batchCount || inFlight.size > 0) {
      while (nextBatch < plan.batchCount && inFlight.size < limits.maxBatchesInFlight && !historyIsLarge()) {
        const batchIndex = nextBatch++;
        inFlight.set(
          batchIndex,
          simulateBatch({ plan, batchIndex }).then((batchStats) => {
            addStats(stats, batchStats);
            progress.batchesDone++;
            refresh();
            inFlight.delete(batchIndex);
          }),
        );
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }
    if (nextBatch < plan.batchCount) {
      // Every batch below nextBatch is staged (in-flight ones were drained above).
      await continueAsNew<typeof generateDataset>(config, { plan, nextBatch, stats, limits });
    }
  } catch (error) {
    if (isCancellation(error)) {
      progress.phase = 'cancelling';
      await CancellationScope.nonCancellable(async () => {
        // Every batch still running stops (or finishes) first: none may write after the clean-up.
        await Promise.allSettled(inFlight.values());
        await abandon({ location: plan.location, runId: plan.runId });
      });
    } else if (error instanceof ActivityFailure) {
      // A batch failed for good (the activity gave up on a failure retries cannot fix): the run
      // leaves the dataset as it found it, then fails with the batch's reason.
      progress.phase = 'failing';
      await CancellationScope.nonCancellable(async () => {
        await Promise.allSettled(inFlight.values());
        await abandon({ location: plan.location, runId: plan.runId });
      });
      throw runFailure(error);
    }
    throw error;
  }

  progress.phase = 'committing';
  let commit: CommitSummary;
  // Runs begun before this change kept the commit out of a cancel's reach altogether.
  const cancellableCommit = patched('cancellable-commit');
  try {
    const request = { plan, finishedAt: new Date().toISOString() };
    commit = cancellableCommit ? await commitDatasetRun(request) : await CancellationScope.nonCancellable(() => commitDatasetRun(request));
  } catch (error) {
    if (isCancellation(error)) {
      // Cancelled before its manifest was written (a commit past it finishes and returns): nothing was published.
      progress.phase = 'cancelling';
      await abandon({ location: plan.location, runId: plan.runId });
      throw error;
    }
    if (!(error instanceof ActivityFailure)) throw error;
    // Failed for good before its manifest was written (a conflict, a broken invariant, storage
    // broken longer than its patience): nothing was published, so clean up and fail. A failure
    // after the manifest never gets here: the commit reports the run committed and what is left.
    progress.phase = 'failing';
    await abandon({ location: plan.location, runId: plan.runId });
    throw runFailure(error);
  }
  progress.phase = 'done';
  return { plan, commit, stats };
}

/** The workflow's own failure for an activity that gave up: its message and type, not retried. */
function runFailure(error: ActivityFailure): ApplicationFailure {
  const cause = error.cause;
  return cause instanceof ApplicationFailure
    ? ApplicationFailure.nonRetryable(cause.message, cause.type ?? 'RunFailed')
    : ApplicationFailure.nonRetryable(cause?.message ?? error.message, 'RunFailed');
}

/** The outputDir of a raw config, if it has one (the activity normalises and checks it). */
function outputDirOf(config: unknown): string | undefined {
  const outputDir = (config as { outputDir?: unknown } | null)?.outputDir;
  return typeof outputDir === 'string' ? outputDir : undefined;
}
