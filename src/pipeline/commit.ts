import { SCHEMA_VERSION, timeseriesLabelNames } from '../dataset/arrowSchema.ts';
import { addStats, emptyStats } from '../dataset/batchStats.ts';
import { SPLITS, type Split } from '../dataset/splits.ts';
import { emptySummary, mergeSummaries } from '../dataset/summaryStats.ts';
import { parseEvaluation } from '../report/baselines.ts';
import { datasetCard } from '../report/datasetCard.ts';
import { htmlReport } from '../report/htmlReport.ts';
import { reportData } from '../report/reportData.ts';
import { batchResultKey, DATASET_CARD_KEY, EVALUATION_KEY, finalPartKey, REPORT_KEY, stagedPartKey, stagingRunPrefix, SUCCESS_KEY, TABLES, type TableName } from '../storage/layout.ts';
import { readManifest, writeManifest, type LabelCounts, type Manifest, type ManifestRun } from '../storage/manifest.ts';
import { getText, type ObjectStore } from '../storage/objectStore.ts';
import { GENERATOR, GENERATOR_VERSION } from '../version.ts';
import { releaseLease } from './lease.ts';
import type { BatchResult, RunPlan } from './runPlan.ts';

/** What a commit reports back: the committed run's counts (from its manifest entry) and the dataset's totals. */
export type CommitSummary = Pick<ManifestRun, 'runId' | 'runSeq' | 'firstPatientIndex' | 'rowsPerTable' | 'labelCounts'> & {
  patients: number;
  bytesWritten: number;
  datasetTotals: Manifest['totals'];
  alreadyCommitted: boolean;
};

const labelRecord = (names: string[], counts: number[]): LabelCounts => Object.fromEntries(names.map((name, i) => [name, counts[i] ?? 0]));

/**
 * Publishes a run: staged parts → table directories, then the manifest (atomic), then deletes
 * what an overwrite replaced, then `_SUCCESS`, then staging and the lease. Every step is
 * idempotent, so a retried or resumed commit finishes the job without duplicates.
 */
export async function commitRun(store: ObjectStore, plan: RunPlan, finishedAt: string, onProgress: (step: string) => void = () => {}): Promise<CommitSummary> {
  let manifest = await readManifest(store);
  const committed = manifest?.runs.find((r) => r.runId === plan.runId);
  if (committed && manifest) {
    await finishCommit(store, manifest, plan);
    return summaryFromRun(committed, manifest, true);
  }

  const results: BatchResult[] = [];
  for (let batchIndex = 0; batchIndex < plan.batchCount; batchIndex++) {
    const text = await getText(store, batchResultKey(plan.runId, batchIndex));
    if (text === undefined) throw new Error(`batch ${batchIndex} of run ${plan.runId} has no staged result; it must be re-run before commit`);
    results.push(JSON.parse(text) as BatchResult);
  }
  const stats = results.reduce((total, r) => addStats(total, r), emptyStats());
  const summary = results.reduce((total, r) => (r.summary ? mergeSummaries(total, r.summary) : total), emptySummary());
  const newFiles = results.flatMap((r) => r.files.map((f) => ({ ...f, path: finalPartKey(f.table, f.fileName), runId: plan.runId })));
  for (const [i, file] of newFiles.entries()) {
    await store.publish(stagedPartKey(plan.runId, file.table, file.fileName), file.path);
    onProgress(`published ${i + 1}/${newFiles.length}`);
  }

  const now = finishedAt;
  const labelNames = timeseriesLabelNames(plan.config.forecastHorizonsMinutes);
  const rowsPerTable = Object.fromEntries(TABLES.map((t) => [t, newFiles.filter((f) => f.table === t).reduce((s, f) => s + f.rows, 0)])) as Record<TableName, number>;
  const run: ManifestRun = {
    runId: plan.runId,
    runSeq: plan.runSeq,
    workflowId: plan.workflowId,
    config: plan.config,
    firstPatientIndex: plan.firstPatientIndex,
    numPatients: plan.config.numPatients,
    patientsPerSplit: stats.patientsPerSplit,
    rowsPerTable,
    labelCounts: { train: labelRecord(labelNames, stats.labelCounts.train), val: labelRecord(labelNames, stats.labelCounts.val), test: labelRecord(labelNames, stats.labelCounts.test) },
    startedAt: plan.startedAt,
    finishedAt: now,
    generatorVersion: GENERATOR_VERSION,
    summary,
  };
  const keptRuns = plan.config.appendMode ? manifest?.runs ?? [] : [];
  const keptFiles = plan.config.appendMode ? manifest?.files ?? [] : [];
  const replaced = plan.config.appendMode ? [] : (manifest?.files ?? []).map((f) => f.path);
  const files = [...keptFiles, ...newFiles.map(({ table, path, rows, bytes, sha256, runId }) => ({ table, path, rows, bytes, sha256, runId }))];
  const runs = [...keptRuns, run];
  manifest = {
    schemaVersion: SCHEMA_VERSION,
    datasetId: manifest?.datasetId ?? plan.runId,
    generator: GENERATOR,
    createdAt: plan.config.appendMode ? manifest?.createdAt ?? now : now,
    updatedAt: now,
    nextPatientIndex: plan.firstPatientIndex + plan.config.numPatients,
    runs,
    files,
    totals: Object.fromEntries(
      TABLES.map((t) => {
        const own = files.filter((f) => f.table === t);
        return [t, { files: own.length, rows: own.reduce((s, f) => s + f.rows, 0), bytes: own.reduce((s, f) => s + f.bytes, 0) }];
      }),
    ) as Manifest['totals'],
    labelCounts: Object.fromEntries(SPLITS.map((split) => [split, sumLabelCounts(runs.map((r) => r.labelCounts[split]))])) as Record<Split, LabelCounts>,
    pendingDeletes: [...(manifest?.pendingDeletes ?? []), ...replaced],
  };
  await writeManifest(store, manifest);
  await finishCommit(store, manifest, plan);
  return summaryFromRun(run, manifest, false);
}

/** Label positives summed over runs, by name (runs may carry different label sets only across schema versions). */
function sumLabelCounts(perRun: LabelCounts[]): LabelCounts {
  const total: LabelCounts = {};
  for (const counts of perRun) for (const [name, count] of Object.entries(counts)) total[name] = (total[name] ?? 0) + count;
  return total;
}

/** The idempotent tail of a commit: replaced files, `_SUCCESS`, staging, lease. */
async function finishCommit(store: ObjectStore, manifest: Manifest, plan: RunPlan): Promise<void> {
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

/** DATASET_CARD.md and report.html, rewritten at every commit (and by `evaluate`) from the manifest and evaluation.json. */
export async function writeHumanSummaries(store: ObjectStore, manifest: Manifest): Promise<void> {
  let card: string;
  let report: string;
  try {
    // The Baselines section survives later commits (marked stale once the dataset has grown).
    const data = reportData(manifest, parseEvaluation(await getText(store, EVALUATION_KEY)));
    card = datasetCard(data, store.location);
    report = htmlReport(data, store.location);
  } catch (error) {
    // The data is committed either way; a broken summary must not hold a commit hostage.
    card = `# Dataset card\n\nThe card could not be rendered: ${(error as Error).message}. See _manifest.json.\n`;
    report = `<!doctype html><meta charset="utf-8"><title>report</title><p>The report could not be rendered: ${(error as Error).message.replace(/</g, '&lt;')}</p>`;
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
