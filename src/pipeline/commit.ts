import { createHash } from 'node:crypto';
import { parseEvaluation } from '../report/baselines.ts';
import { datasetCard } from '../report/datasetCard.ts';
import { parseFidelity } from '../report/fidelityTables.ts';
import { htmlReport } from '../report/htmlReport.ts';
import { reportData } from '../report/reportData.ts';
import {
  batchResultKey,
  DATASET_CARD_KEY,
  emptyPartFileName,
  EVALUATION_KEY,
  FIDELITY_KEY,
  REPORT_KEY,
  stagedPartKey,
  stagingRunPrefix,
  SUCCESS_KEY,
  type TableName,
} from '../storage/layout.ts';
import { readManifest, writeManifest, type Manifest, type ManifestRun } from '../storage/manifest.ts';
import { getText, type ObjectStore } from '../storage/objectStore.ts';
import { writeParquet } from '../storage/duckdbParquet.ts';
import { mapBounded } from '../util/mapBounded.ts';
import { GENERATOR } from '../version.ts';
import { rollDeltaLogsForward } from './deltaCommit.ts';
import { PermanentRunError } from './errors.ts';
import { tableSchema } from './tableSchema.ts';
import { releaseLease } from './lease.ts';
import { filesOfOtherRuns, keptFiles, nextManifest, publishedFile, tablesWithoutFiles } from './nextManifest.ts';
import type { BatchResult, RunPlan, StagedFile } from './runPlan.ts';

/** What a commit reports back: the committed run's counts (from its manifest entry) and the dataset's totals. */
export type CommitSummary = Pick<ManifestRun, 'runId' | 'runSeq' | 'firstPatientIndex' | 'rowsPerTable' | 'labelCounts'> & {
  patients: number;
  bytesWritten: number;
  datasetTotals: Manifest['totals'];
  alreadyCommitted: boolean;
  /** Committed, but a step after the manifest failed (a Delta log entry, the card, the clean-up): what is left, finished by the next commit or `resume`. */
  unfinished?: string;
};

/**
 * The run is committed (its manifest is written) but a step after it failed: the next commit of
 * the dataset, or a retried or resumed one, rolls it forward. Never a reason to abandon the run.
 */
export class CommitUnfinishedError extends Error {
  constructor(
    readonly summary: CommitSummary,
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`run ${summary.runId} is committed, but ${step} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'CommitUnfinishedError';
  }
}

/** Requests a commit keeps in flight at once (reading batch results, publishing parts). */
export const COMMIT_PARALLEL_REQUESTS = 32;

/** Where a commit is: reported after every request, for heartbeats and the progress bar. */
export interface CommitProgress {
  step: string;
  done: number;
  total: number;
}

/**
 * Publishes a run: staged parts → table directories (a zero-row part for a table that would
 * otherwise have none), then the manifest (atomic, the commit point), then one Delta log version
 * per table, then deletes what an overwrite replaced, then `_SUCCESS`, then staging and the lease.
 * Every step is idempotent, so a retried or resumed commit finishes the job without duplicates. It
 * never publishes over a file of another run.
 */
export async function commitRun(
  store: ObjectStore,
  plan: RunPlan,
  finishedAt: string,
  onProgress: (progress: CommitProgress) => void = () => {},
): Promise<CommitSummary> {
  const previous = await readManifest(store);
  const committed = previous?.runs.find((r) => r.runId === plan.runId);
  if (committed && previous) {
    await finishAfterManifest(store, previous, plan, onProgress, summaryFromRun(committed, previous, true));
    return summaryFromRun(committed, previous, true);
  }

  // A run before this one whose commit left its Delta log entries unfinished (committed all the
  // same) gets them now, so every run stays one version in every table. A dataset with no log at
  // all is one written before the logs existed: its version 0 will hold every run (finishCommit).
  if (previous) await rollDeltaLogsForward(store, previous, undefined, { onlyIfLogged: true });

  // Reading and publishing run a bounded number of requests at once and report every step, so a
  // large run on a slow store heartbeats from the first request to the last.
  let read = 0;
  const results = await mapBounded(plan.batchCount, COMMIT_PARALLEL_REQUESTS, async (batchIndex) => {
    const text = await getText(store, batchResultKey(plan.runId, batchIndex));
    if (text === undefined)
      throw new Error(`batch ${batchIndex} of run ${plan.runId} has no staged result; it must be re-run before commit`);
    onProgress({ step: 'reading batch results', done: ++read, total: plan.batchCount });
    return JSON.parse(text) as BatchResult;
  });
  const staged = results.flatMap((r) => r.files);
  for (const table of tablesWithoutFiles([...keptFiles(previous, plan), ...staged.map((f) => publishedFile(f, plan.runId))])) {
    staged.push(await stageEmptyPart(store, plan, table));
  }
  const newFiles = staged.map((f) => publishedFile(f, plan.runId));
  const conflicts = filesOfOtherRuns(previous, newFiles);
  if (conflicts.length > 0) {
    throw new PermanentRunError(
      `refusing to commit run ${plan.runId}: ${conflicts[0]!.path} belongs to run ${conflicts[0]!.owner} of ${store.location}; committed data is untouched`,
    );
  }
  let published = 0;
  await mapBounded(staged.length, COMMIT_PARALLEL_REQUESTS, async (i) => {
    const file = staged[i]!;
    await store.publish(stagedPartKey(plan.runId, file.table, file.fileName), newFiles[i]!.path);
    onProgress({ step: 'publishing part files', done: ++published, total: staged.length });
  });
  const { manifest, run } = nextManifest(previous, plan, results, newFiles, finishedAt);
  await writeManifest(store, manifest);
  await finishAfterManifest(store, manifest, plan, onProgress, summaryFromRun(run, manifest, false));
  return summaryFromRun(run, manifest, false);
}

/** finishCommit, whose failures are those of a committed run. */
async function finishAfterManifest(
  store: ObjectStore,
  manifest: Manifest,
  plan: RunPlan,
  onProgress: (progress: CommitProgress) => void,
  summary: CommitSummary,
): Promise<void> {
  try {
    await finishCommit(store, manifest, plan, onProgress);
  } catch (error) {
    throw new CommitUnfinishedError(summary, 'finishing it (Delta logs, card and report, _SUCCESS, staging, lease)', error);
  }
}

/** A zero-row part with the table's schema, staged like the others (its bytes are the same on a retry). */
async function stageEmptyPart(store: ObjectStore, plan: RunPlan, table: TableName): Promise<StagedFile> {
  const bytes = await writeParquet(tableSchema(table, plan.config), [], GENERATOR);
  const fileName = emptyPartFileName(plan.runSeq, plan.runId);
  await store.put(stagedPartKey(plan.runId, table, fileName), bytes);
  return { table, fileName, rows: 0, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The idempotent tail of a commit: Delta logs, replaced files, `_SUCCESS`, staging, lease. */
async function finishCommit(
  store: ObjectStore,
  manifest: Manifest,
  plan: RunPlan,
  onProgress: (progress: CommitProgress) => void,
): Promise<void> {
  // The logs go before the replaced files are deleted: a Delta reader never sees a version whose files are gone.
  await rollDeltaLogsForward(store, manifest, (done, total) => onProgress({ step: 'writing Delta logs', done, total }));
  if (manifest.pendingDeletes.length > 0) {
    const keep = new Set(manifest.files.map((f) => f.path));
    for (const path of manifest.pendingDeletes) if (!keep.has(path)) await store.delete(path);
    manifest.pendingDeletes = [];
    await writeManifest(store, manifest);
  }
  await writeHumanSummaries(store, manifest);
  await store.put(SUCCESS_KEY, new Uint8Array(0));
  await store.deletePrefix(stagingRunPrefix(plan.runId));
  await releaseLease(store, plan.runId);
}

/** DATASET_CARD.md and report.html, rewritten at every commit (and by `evaluate`, `fidelity`) from the manifest, evaluation.json and fidelity.json. */
export async function writeHumanSummaries(store: ObjectStore, manifest: Manifest): Promise<void> {
  let card: string;
  let report: string;
  try {
    // The Baselines and Against real people sections survive later commits (marked stale once the dataset has grown).
    const data = reportData(
      manifest,
      parseEvaluation(await getText(store, EVALUATION_KEY)),
      parseFidelity(await getText(store, FIDELITY_KEY)),
    );
    card = datasetCard(data, store.location);
    report = await htmlReport(data, store.location);
  } catch (error) {
    // The data is committed either way; a broken summary must not hold a commit hostage.
    card = `# Dataset card\n\nThe card could not be rendered: ${(error as Error).message}. See _manifest.json.\n`;
    report =
      `<!doctype html><meta charset="utf-8"><title>report</title><p>The report could not be rendered: ` +
      `${(error as Error).message.replace(/</g, '&lt;')}</p>`;
  }
  await store.put(DATASET_CARD_KEY, card);
  await store.put(REPORT_KEY, report);
}

function summaryFromRun(run: ManifestRun, manifest: Manifest, alreadyCommitted: boolean): CommitSummary {
  return {
    runId: run.runId,
    runSeq: run.runSeq,
    patients: run.numPatients,
    firstPatientIndex: run.firstPatientIndex,
    rowsPerTable: run.rowsPerTable,
    labelCounts: run.labelCounts,
    bytesWritten: manifest.files.filter((f) => f.runId === run.runId).reduce((s, f) => s + f.bytes, 0),
    datasetTotals: manifest.totals,
    alreadyCommitted,
  };
}
