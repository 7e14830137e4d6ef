import { ConfigError, type RunConfig } from '../config/config.ts';
import { timeseriesColumnNames } from '../dataset/arrowSchema.ts';
import { refuseForeignContent } from '../storage/datasetGuard.ts';
import { runLogFileName } from '../storage/layout.ts';
import { readManifest, type Manifest } from '../storage/manifest.ts';
import type { ObjectStore } from '../storage/objectStore.ts';
import { PermanentRunError } from './errors.ts';
import { readLease, writeLease, type Lease } from './lease.ts';
import type { RunPlan } from './runPlan.ts';

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
    await writeLease(store, lease);
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
