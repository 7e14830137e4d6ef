import { createHash } from 'node:crypto';
import { ConfigError, type RunConfig } from '../config/config.ts';
import { encodeParquet } from './parquetEncoding.ts';
import { demographicsSchema, SCHEMA_VERSION, timeseriesColumnNames, timeseriesLabelNames, timeseriesSchema } from '../dataset/arrowSchema.ts';
import { buildBatchTables } from '../dataset/batchTables.ts';
import { addStats, emptyStats, type BatchResult, type RunPlan, type StagedFile } from '../dataset/runPlan.ts';
import { SPLITS, type Split } from '../dataset/splits.ts';
import { emptySummary, mergeSummaries } from '../dataset/summaryStats.ts';
import { datasetCard } from '../report/datasetCard.ts';
import { htmlReport } from '../report/htmlReport.ts';
import { reportData } from '../report/reportData.ts';
import { parseEvaluation } from '../report/baselines.ts';
import { GENERATOR, GENERATOR_VERSION } from '../version.ts';
import {
  LEASE_KEY,
  STAGING_PREFIX,
  DATASET_CARD_KEY,
  EVALUATION_KEY,
  REPORT_KEY,
  SUCCESS_KEY,
  TABLES,
  batchResultKey,
  finalPartKey,
  partFileName,
  runLogFileName,
  stagedPartKey,
  stagingRunPrefix,
  timeseriesTable,
  type TableName,
} from './layout.ts';
import { refuseForeignContent } from './datasetGuard.ts';
import { readManifest, writeManifest, type LabelCounts, type Manifest, type ManifestRun } from './manifest.ts';
import { getText, type ObjectStore } from './objectStore.ts';

/** Refusals that no retry can fix (bad input, a dataset locked by another run). */
export class PermanentRunError extends Error {
  override name = 'PermanentRunError';
}

interface Lease {
  runId: string;
  workflowId: string;
  startedAt: string;
}

/**
 * Plans a run: checks the location, takes the dataset's lease (one run at a time, whatever
 * started it), and allocates the patient index range. Idempotent for a retried attempt of the
 * same run.
 */
export async function planRun(
  store: ObjectStore,
  config: RunConfig,
  ids: { runId: string; workflowId: string; startedAt: string },
): Promise<RunPlan> {
  const existingLease = await readLease(store);
  if (existingLease && existingLease.runId !== ids.runId) {
    throw new PermanentRunError(
      `dataset ${store.location} is being written by another run (workflow ${existingLease.workflowId}, run ${existingLease.runId}, since ${existingLease.startedAt}); wait for it, or cancel it with: npm run cancel -- --out ${store.location}`,
    );
  }
  const manifest = await readManifest(store);
  if (!manifest && !existingLease) await refuseForeignContent(store);
  refuseSchemaChange(manifest, config, store.location);

  const runSeq = (manifest?.runs.reduce((max, r) => Math.max(max, r.runSeq), 0) ?? 0) + 1;
  const firstPatientIndex = config.appendMode ? manifest?.nextPatientIndex ?? 0 : 0;
  const plan: RunPlan = {
    runId: ids.runId,
    runSeq,
    workflowId: ids.workflowId,
    location: store.location,
    config,
    firstPatientIndex,
    batchCount: Math.ceil(config.numPatients / config.batchSize),
    startedAt: ids.startedAt,
    logFileName: runLogFileName(new Date(ids.startedAt)),
  };
  if (!existingLease) {
    const lease: Lease = { runId: ids.runId, workflowId: ids.workflowId, startedAt: ids.startedAt };
    await store.put(LEASE_KEY, JSON.stringify(lease));
  }
  return plan;
}

/** The time-series layout a committed run wrote (runs before schema version 2 had no horizons). */
function runShape(config: RunConfig): { windowSizeMinutes: number; horizons: number[] } {
  return { windowSizeMinutes: config.windowSizeMinutes, horizons: config.forecastHorizonsMinutes ?? [] };
}

const describeHorizons = (horizons: number[]) => (horizons.length ? horizons.join(',') : 'none');

/**
 * Every part file of a table keeps one schema: an append whose window or horizons would give the
 * time-series tables other columns than the dataset's is refused, naming the option to change.
 */
export function refuseSchemaChange(manifest: Manifest | undefined, config: RunConfig, location: string): void {
  const last = manifest?.runs[manifest.runs.length - 1];
  if (!config.appendMode || !last) return;
  const dataset = runShape(last.config);
  const run = runShape(config);
  const same = (a: typeof dataset) => timeseriesColumnNames(a.windowSizeMinutes, a.horizons).join('|');
  if (same(dataset) === same(run)) return;
  const field = dataset.windowSizeMinutes !== run.windowSizeMinutes ? 'windowSizeMinutes' : 'forecastHorizonsMinutes';
  throw new ConfigError(
    `invalid ${field === 'windowSizeMinutes' ? 'windowSizeMinutes (--window)' : 'forecastHorizonsMinutes (--horizons)'}: ${location} has window ${dataset.windowSizeMinutes} and horizons ${describeHorizons(dataset.horizons)}, this run asks for window ${run.windowSizeMinutes} and horizons ${describeHorizons(run.horizons)}; every part file of a table keeps one schema, so append with --window ${dataset.windowSizeMinutes} --horizons ${describeHorizons(dataset.horizons)}, or write a new dataset (another --out, or --no-append to replace this one)`,
    field,
  );
}

async function readLease(store: ObjectStore): Promise<Lease | undefined> {
  const text = await getText(store, LEASE_KEY);
  return text === undefined ? undefined : (JSON.parse(text) as Lease);
}

/** Simulates one batch and stages its part files; returns only names and counts. */
export async function stageBatch(
  store: ObjectStore,
  plan: RunPlan,
  batchIndex: number,
  afterPatient: (done: number) => Promise<void>,
): Promise<BatchResult> {
  const tables = await buildBatchTables(plan, batchIndex, afterPatient);
  const fileName = partFileName(plan.runSeq, batchIndex, plan.runId);
  const files: StagedFile[] = [];
  const stage = async (table: TableName, bytes: Uint8Array, rows: number) => {
    await store.put(stagedPartKey(plan.runId, table, fileName), bytes);
    files.push({ table, fileName, rows, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  };
  await stage('patient_demographics', await encodeParquet(demographicsSchema, [tables.demographics], GENERATOR), tables.demographics.numRows);
  const schema = timeseriesSchema(plan.config.windowSizeMinutes, plan.config.forecastHorizonsMinutes);
  for (const split of SPLITS) {
    const batches = tables.timeseries[split];
    if (batches.length === 0) continue;
    await stage(timeseriesTable(split), await encodeParquet(schema, batches, GENERATOR), tables.stats.rows[split]);
    await afterPatient(tables.stats.patients);
  }
  const result: BatchResult = { ...tables.stats, batchIndex, bytes: files.reduce((s, f) => s + f.bytes, 0), files, summary: tables.summary };
  // The commit reads batch results from staging, so the workflow never has to carry file lists.
  await store.put(batchResultKey(plan.runId, batchIndex), JSON.stringify(result));
  return result;
}

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

/** Drops an unfinished run: its staging and its lease. Committed data is untouched. */
export async function abandonRun(store: ObjectStore, runId: string): Promise<void> {
  await store.deletePrefix(stagingRunPrefix(runId));
  await releaseLease(store, runId);
}

async function releaseLease(store: ObjectStore, runId: string): Promise<void> {
  const lease = await readLease(store);
  if (lease?.runId === runId) await store.delete(LEASE_KEY);
  // Leave no empty _staging/ behind once nothing is in flight.
  if ((await store.list(STAGING_PREFIX)).length === 0) await store.deletePrefix(STAGING_PREFIX);
}

