// The commit's decisions as pure functions: from the previous manifest and a run's staged results
// to the next manifest. No I/O here, so every rule is tested in memory (test/fast).
import { SCHEMA_VERSION, timeseriesLabelNames } from '../dataset/arrowSchema.ts';
import { addStats, emptyStats } from '../dataset/batchStats.ts';
import { SPLITS, type Split } from '../dataset/splits.ts';
import { emptySummary, mergeSummaries } from '../dataset/summaryStats.ts';
import { finalPartKey, TABLES, type TableName } from '../storage/layout.ts';
import type { LabelCounts, Manifest, ManifestFile, ManifestRun } from '../storage/manifest.ts';
import { GENERATOR, GENERATOR_VERSION } from '../version.ts';
import type { BatchResult, RunPlan, StagedFile } from './runPlan.ts';

/** A staged part as it will be listed once published. */
export function publishedFile(file: StagedFile, runId: string): ManifestFile {
  return {
    table: file.table,
    path: finalPartKey(file.table, file.fileName),
    rows: file.rows,
    bytes: file.bytes,
    sha256: file.sha256,
    runId,
    ...(file.bounds && { bounds: file.bounds }),
  };
}

/** Files the dataset keeps from before this run (none when the run replaces the dataset). */
export function keptFiles(previous: Manifest | undefined, plan: RunPlan): ManifestFile[] {
  return plan.config.appendMode ? (previous?.files ?? []) : [];
}

/** Tables that would have no part file after this run: each gets a zero-row part so its directory exists. */
export function tablesWithoutFiles(files: readonly ManifestFile[]): TableName[] {
  return TABLES.filter((table) => !files.some((f) => f.table === table));
}

/** New files whose final path the previous manifest lists for another run: publishing them would overwrite its data. */
export function filesOfOtherRuns(previous: Manifest | undefined, newFiles: readonly ManifestFile[]): { path: string; owner: string }[] {
  const owners = new Map((previous?.files ?? []).map((f) => [f.path, f.runId]));
  return newFiles.flatMap((f) => {
    const owner = owners.get(f.path);
    return owner !== undefined && owner !== f.runId ? [{ path: f.path, owner }] : [];
  });
}

const labelRecord = (names: string[], counts: number[]): LabelCounts => Object.fromEntries(names.map((name, i) => [name, counts[i] ?? 0]));

/** Label positives summed over runs, by name (runs may carry different label sets only across schema versions). */
function sumLabelCounts(perRun: LabelCounts[]): LabelCounts {
  const total: LabelCounts = {};
  for (const counts of perRun) for (const [name, count] of Object.entries(counts)) total[name] = (total[name] ?? 0) + count;
  return total;
}

/**
 * The manifest after committing `plan`: its run (counts, label positives, summaries), every file
 * (kept ones, then the new ones), totals per table, label counts per split, and — when the run
 * replaces the dataset — the old files to delete once the manifest is written.
 */
export function nextManifest(
  previous: Manifest | undefined,
  plan: RunPlan,
  results: readonly BatchResult[],
  newFiles: readonly ManifestFile[],
  finishedAt: string,
): { manifest: Manifest; run: ManifestRun } {
  const stats = results.reduce((total, r) => addStats(total, r), emptyStats());
  const summary = results.reduce((total, r) => (r.summary ? mergeSummaries(total, r.summary) : total), emptySummary());
  const labelNames = timeseriesLabelNames(plan.config.forecastHorizonsMinutes);
  const rowsPerTable = Object.fromEntries(
    TABLES.map((t) => [t, newFiles.filter((f) => f.table === t).reduce((s, f) => s + f.rows, 0)]),
  ) as Record<TableName, number>;
  const run: ManifestRun = {
    runId: plan.runId,
    runSeq: plan.runSeq,
    workflowId: plan.workflowId,
    config: plan.config,
    firstPatientIndex: plan.firstPatientIndex,
    numPatients: plan.config.numPatients,
    patientsPerSplit: stats.patientsPerSplit,
    rowsPerTable,
    labelCounts: Object.fromEntries(SPLITS.map((split) => [split, labelRecord(labelNames, stats.labelCounts[split])])) as Record<
      Split,
      LabelCounts
    >,
    startedAt: plan.startedAt,
    finishedAt,
    generatorVersion: GENERATOR_VERSION,
    summary,
  };
  const append = plan.config.appendMode;
  const files = [...keptFiles(previous, plan), ...newFiles];
  const runs = [...(append ? (previous?.runs ?? []) : []), run];
  const replaced = append ? [] : (previous?.files ?? []).map((f) => f.path);
  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    datasetId: previous?.datasetId ?? plan.runId,
    generator: GENERATOR,
    createdAt: append ? (previous?.createdAt ?? finishedAt) : finishedAt,
    updatedAt: finishedAt,
    nextPatientIndex: plan.firstPatientIndex + plan.config.numPatients,
    runs,
    files,
    totals: Object.fromEntries(
      TABLES.map((t) => {
        const own = files.filter((f) => f.table === t);
        return [t, { files: own.length, rows: own.reduce((s, f) => s + f.rows, 0), bytes: own.reduce((s, f) => s + f.bytes, 0) }];
      }),
    ) as Manifest['totals'],
    labelCounts: Object.fromEntries(SPLITS.map((split) => [split, sumLabelCounts(runs.map((r) => r.labelCounts[split]))])) as Record<
      Split,
      LabelCounts
    >,
    pendingDeletes: [...(previous?.pendingDeletes ?? []), ...replaced],
  };
  return { manifest, run };
}
