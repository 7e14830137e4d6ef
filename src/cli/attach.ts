import { ApplicationFailure, CancelledFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { GenerateResult } from '../../workflows/generateDataset.ts';
import { rowsPerSplit, runLogFileName } from '../storage/layout.ts';
import type { RunLog } from '../util/logger.ts';
import { formatBytes, showProgress } from './progressView.ts';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../storage/openStore.ts';
import { isS3Uri } from '../storage/s3Location.ts';
import { EXIT } from './failures.ts';

export interface AttachOptions {
  quiet: boolean;
  json: boolean;
  location: string;
  startedAtMs: number;
}

/** Where an S3 run's log is written during the run (the system's temp directory), named by its location. */
export const localRunLogPath = (location: string, logName: string) =>
  join(tmpdir(), `${createHash('sha256').update(location).digest('hex').slice(0, 12)}-${logName}`);

/**
 * Follows a running generation to its end: progress bar, per-run log file in the dataset,
 * summary. Ctrl-C detaches: the workers stop, the run stays durable in Temporal.
 */
export async function followRun(handle: WorkflowHandle, log: RunLog, options: AttachOptions): Promise<number> {
  const logName = runLogFileName(new Date(options.startedAtMs));
  const s3 = isS3Uri(options.location);
  // On S3 the log is kept locally during the run and uploaded next to the data at the end.
  const logPath = s3 ? localRunLogPath(options.location, logName) : join(options.location, logName);
  if (!s3) mkdirSync(options.location, { recursive: true });
  log.attachFile(logPath);
  // Once uploaded the local copy goes (the S3 copy is the record); one that could not be uploaded stays, named.
  const uploadLog = async () => {
    if (!s3) return;
    await log.flush();
    try {
      await openStore(options.location).put(logName, readFileSync(logPath));
    } catch (error) {
      log.logger.warn(`the run log could not be uploaded to ${options.location}; it is kept at ${logPath}`);
      throw error;
    }
    rmSync(logPath, { force: true });
  };
  const stopProgress = showProgress(handle, log, { quiet: options.quiet || options.json });
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    void stopProgress();
    log.logger.warn(`interrupted: detaching. The run is durable; continue it with: npm run resume -- --out ${options.location}`);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const interruption = new Promise<'interrupted'>((resolve) => {
    process.once('SIGINT', () => resolve('interrupted'));
    process.once('SIGTERM', () => resolve('interrupted'));
  });
  try {
    const outcome = await Promise.race([handle.result() as Promise<GenerateResult>, interruption]);
    // Wait for a progress query in flight before the caller closes the connection under it.
    await stopProgress();
    if (outcome === 'interrupted') return EXIT.interrupted;
    printSummary(outcome, log, options);
    await uploadLog();
    return EXIT.ok;
  } catch (error) {
    await stopProgress();
    const cancelled = isCancelled(error);
    const message = cancelled
      ? `the generation of ${options.location} was cancelled; its staging was removed and committed data is untouched`
      : failureMessage(error);
    if (cancelled) log.logger.warn(message);
    else log.logger.error(`generation failed: ${message}`);
    if (options.json) process.stdout.write(JSON.stringify({ ok: false, cancelled, error: message }) + '\n');
    await uploadLog().catch(() => undefined);
    return failureType(error) === 'ConfigError' ? EXIT.badInput : EXIT.failed;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Causes of a failure, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) chain.push(current);
  return chain;
}

/** The workflow ended because it was cancelled (npm run cancel, the Web UI, the Temporal CLI). */
export function isCancelled(error: unknown): boolean {
  return causes(error).some((cause) => cause instanceof CancelledFailure);
}

/** The type of the application failure behind a workflow failure (ConfigError is bad input). */
export function failureType(error: unknown): string | undefined {
  return causes(error).find((cause): cause is ApplicationFailure => cause instanceof ApplicationFailure)?.type ?? undefined;
}

/** The innermost cause's message of a workflow failure: what the user needs to read. */
export function failureMessage(error: unknown): string {
  let current: unknown = error instanceof WorkflowFailedError ? (error.cause ?? error) : error;
  while (current && typeof current === 'object' && 'cause' in current && (current as { cause?: unknown }).cause) {
    current = (current as { cause: unknown }).cause;
  }
  return current instanceof Error ? current.message : String(current);
}

function printSummary(result: GenerateResult, log: RunLog, options: AttachOptions): void {
  const wallSeconds = (Date.now() - options.startedAtMs) / 1000;
  const { commit } = result;
  const rows = rowsPerSplit(commit.rowsPerTable);
  if (options.json) {
    process.stdout.write(
      JSON.stringify({
        ok: true,
        location: options.location,
        runId: commit.runId,
        patients: commit.patients,
        firstPatientIndex: commit.firstPatientIndex,
        rows,
        labelCounts: commit.labelCounts,
        bytesWritten: commit.bytesWritten,
        datasetTotals: commit.datasetTotals,
        wallSeconds,
        ...(commit.unfinished && { warning: commit.unfinished }),
      }) + '\n',
    );
    if (commit.unfinished) log.logger.warn(commit.unfinished);
    return;
  }
  const lines = [
    `Dataset ${options.location}`,
    `  run ${commit.runId.slice(0, 8)} (#${commit.runSeq}): ${commit.patients} patients (index ` +
      `${commit.firstPatientIndex}–${commit.firstPatientIndex + commit.patients - 1})${commit.alreadyCommitted ? ' [already committed]' : ''}`,
    `  rows: train ${rows.train.toLocaleString('en-US')}, val ${rows.val.toLocaleString('en-US')}, test ${rows.test.toLocaleString('en-US')}`,
    '  label positives (train / val / test):',
    ...Object.keys(commit.labelCounts.train).map(
      (name) =>
        `    ${name.padEnd(36)} ${commit.labelCounts.train[name]} / ${commit.labelCounts.val[name]} / ${commit.labelCounts.test[name]}`,
    ),
    `  written: ${formatBytes(commit.bytesWritten)}; dataset now ` +
      `${commit.datasetTotals.patient_demographics.rows} patients, ` +
      `${formatBytes(Object.values(commit.datasetTotals).reduce((s, t) => s + t.bytes, 0))}`,
    `  wall time: ${wallSeconds.toFixed(1)} s`,
  ];
  for (const line of lines) log.line(line);
  if (!options.quiet) process.stdout.write(lines.join('\n') + '\n');
  // Committed all the same (exit 0): say what is left and who finishes it.
  if (commit.unfinished) log.logger.warn(commit.unfinished);
}
