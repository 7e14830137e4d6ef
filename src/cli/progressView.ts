import cliProgress from 'cli-progress';
import type { WorkflowHandle } from '@temporalio/client';
import { progressQuery } from '../../workflows/generateDataset.ts';
import type { RunLog } from '../util/logger.ts';
import { defaultPayloadConverter } from '@temporalio/common';
import type { CommitProgress } from '../pipeline/commit.ts';
import { STORAGE_FAILURE_TYPE, STORAGE_NEEDS_PERSON_TYPE } from '../storage/storageErrors.ts';
import { phaseEta } from './phaseEta.ts';

type PendingActivities = Awaited<ReturnType<WorkflowHandle['describe']>>['raw']['pendingActivities'];

/** The commit activity's last heartbeat details (step, done, total), if it is running. */
function commitProgress(pending: PendingActivities): CommitProgress | undefined {
  for (const activity of pending ?? []) {
    const payload = activity.activityType?.name === 'commitDatasetRun' ? activity.heartbeatDetails?.payloads?.[0] : undefined;
    if (payload) return defaultPayloadConverter.fromPayload<CommitProgress>(payload as never);
  }
  return undefined;
}

/**
 * "waiting for storage: <reason>" while an activity is retried after an outage, "storage needs you:
 * <what to fix>" after a failure a person must fix (refused credentials, a missing bucket, a
 * read-only disk): the latter first, since it will not pass by itself.
 */
export function storageWait(pending: PendingActivities): string | undefined {
  const lines = { [STORAGE_NEEDS_PERSON_TYPE]: 'storage needs you', [STORAGE_FAILURE_TYPE]: 'waiting for storage' } as const;
  for (const type of [STORAGE_NEEDS_PERSON_TYPE, STORAGE_FAILURE_TYPE] as const) {
    for (const activity of pending ?? []) {
      const failure = activity.lastFailure;
      if ((activity.attempt ?? 0) > 1 && failure?.applicationFailureInfo?.type === type) {
        const reason = (failure.message ?? '').replace(/\s+/g, ' ');
        return `${lines[type]}: ${reason.length > 140 ? `${reason.slice(0, 139)}…` : reason}`;
      }
    }
  }
  return undefined;
}

export const formatBytes = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;

/**
 * A live progress bar fed by the workflow's progress query (the same numbers as the Web UI).
 * Returns a stop function. Quiet shows nothing; a non-terminal gets a line every 10 s.
 */
export function showProgress(handle: WorkflowHandle, log: RunLog, options: { quiet: boolean }): () => Promise<void> {
  // Quiet shows nothing, so it asks nothing: each poll is a query answered by a worker and a
  // describe, twice a second, for the whole run.
  if (options.quiet) return async () => {};
  const interactive = process.stderr.isTTY;
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {percentage}% | {phase} | {detail} | ETA {etaText}',
      barsize: 28,
      hideCursor: true,
      stream: process.stderr,
      noTTYOutput: !interactive,
      notTTYSchedule: 10_000,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  const eta = phaseEta();
  const poll = async () => {
    if (stopped) return;
    try {
      const progress = await handle.query(progressQuery);
      const pending = (await handle.describe()).raw.pendingActivities;
      // During the commit the bar follows the commit's own progress (its heartbeat details).
      const commit = progress.phase === 'committing' ? commitProgress(pending) : undefined;
      const [value, total] = commit ? [commit.done, commit.total] : [progress.batchesDone, progress.batchesTotal];
      const payload = {
        phase: storageWait(pending) ?? (commit ? `committing: ${commit.step}` : progress.phase),
        detail: commit
          ? `${commit.done.toLocaleString('en-US')}/${commit.total.toLocaleString('en-US')}`
          : `batches ${progress.batchesDone}/${progress.batchesTotal} | patients ` +
            `${progress.patientsDone}/${progress.patientsTotal} | rows ${progress.rows.toLocaleString('en-US')} | ` +
            `${formatBytes(progress.bytes)}`,
        etaText: eta(commit ? `commit ${commit.step}` : progress.phase, value, total),
      };
      if (!started && total > 0) {
        bar.start(total, value, payload);
        // Warnings printed while the bar is on screen: clear the bar's line first; it redraws on the next update.
        if (interactive) log.setConsoleWriter((text) => process.stderr.write(`\r\x1b[K${text}\n`));
        started = true;
      } else if (started) {
        bar.setTotal(Math.max(1, total));
        bar.update(value, payload);
      }
    } catch {
      // The query fails while no worker has the workflow cached yet; the next poll retries.
    }
  };
  let inFlight: Promise<void> = poll();
  const timer = setInterval(() => {
    inFlight = inFlight.then(poll);
  }, 500);
  return async () => {
    clearInterval(timer);
    if (stopped) {
      await inFlight;
      return;
    }
    stopped = true;
    // Let a query in flight finish before the caller closes the connection.
    await inFlight;
    if (started) bar.stop();
    log.setConsoleWriter(undefined);
  };
}
