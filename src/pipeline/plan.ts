import { CLI_OPTION, ConfigError, DEFAULT_CONFIG, type InheritedKey, type RunConfig } from '../config/config.ts';
import { SCHEMA_CHANGES, SCHEMA_VERSION, timeseriesColumnNames } from '../dataset/arrowSchema.ts';
import { appendSplitCounts, SPLITS } from '../dataset/splits.ts';
import { refuseForeignContent } from '../storage/datasetGuard.ts';
import { runLogFileName } from '../storage/layout.ts';
import { readManifest, type Manifest } from '../storage/manifest.ts';
import type { ObjectStore } from '../storage/objectStore.ts';
import { PermanentRunError } from './errors.ts';
import { clearStaleLease, readLease, releaseLease, takeLease, type HolderState, type Lease } from './lease.ts';
import type { RunPlan } from './runPlan.ts';

/** How a plan finds out whether a lease's holder still runs (the orchestrator knows), and reports a takeover. */
export interface LeaseHealing {
  holderState(holder: Lease): Promise<HolderState>;
  onTakeover(stale: Lease): void;
}

/**
 * Plans a run: checks the location, takes the dataset's lease (one run at a time, whatever
 * started it: created only if absent, so two runs racing cannot both take it; the lease of a run
 * whose workflow has closed is taken over), then, under the lease, allocates the patient index
 * range and the run's split counts. Idempotent for a retried attempt of the same run.
 */
export async function planRun(
  store: ObjectStore,
  requested: RunConfig,
  ids: { runId: string; workflowId: string; startedAt: string },
  omittedInheritedKeys: readonly InheritedKey[] = [],
  healing?: LeaseHealing,
): Promise<RunPlan> {
  const before = await readManifest(store);
  if (!before && !(await readLease(store))) await refuseForeignContent(store);
  refuseSchemaChange(before, inheritOmittedKeys(requested, before, omittedInheritedKeys), store.location);

  const lease: Lease = { runId: ids.runId, workflowId: ids.workflowId, startedAt: ids.startedAt };
  if (!(await takeLease(store, lease))) {
    let holder = await readLease(store);
    // A run whose workflow closed without giving the lease back (terminated, say) blocks nobody.
    if (holder && holder.runId !== ids.runId && healing && (await healing.holderState(holder)) === 'closed') {
      if (await clearStaleLease(store, holder, lease)) healing.onTakeover(holder);
      if (await takeLease(store, lease)) holder = undefined;
      else holder = await readLease(store);
    }
    if (holder && holder.runId !== ids.runId) {
      throw new PermanentRunError(
        `dataset ${store.location} is being written by another run (workflow ${holder.workflowId}, run ` +
          `${holder.runId}, since ${holder.startedAt}); wait for it, or cancel it with: npm run cancel -- --out ` +
          `${store.location}`,
      );
    }
  }
  // What the lease protects: nobody else commits while we hold it, so this manifest stays current.
  let manifest: Manifest | undefined;
  let config: RunConfig;
  try {
    manifest = await readManifest(store);
    config = inheritOmittedKeys(requested, manifest, omittedInheritedKeys);
    refuseSchemaChange(manifest, config, store.location);
  } catch (error) {
    // A refused or failed plan gives the dataset back.
    await releaseLease(store, ids.runId);
    throw error;
  }
  const runSeq = (manifest?.runs.reduce((max, r) => Math.max(max, r.runSeq), 0) ?? 0) + 1;
  const firstPatientIndex = config.appendMode ? (manifest?.nextPatientIndex ?? 0) : 0;
  const existing = config.appendMode && manifest ? patientsPerSplit(manifest) : ([0, 0, 0] as const);
  return {
    runId: ids.runId,
    runSeq,
    workflowId: ids.workflowId,
    location: store.location,
    config,
    firstPatientIndex,
    splitCounts: appendSplitCounts(existing, config.numPatients, config.trainSplit, config.valSplit),
    batchCount: Math.ceil(config.numPatients / config.batchSize),
    startedAt: ids.startedAt,
    logFileName: runLogFileName(new Date(ids.startedAt)),
  };
}

/** Patients per split over every committed run, [train, val, test]. */
function patientsPerSplit(manifest: Manifest): [number, number, number] {
  const counts: [number, number, number] = [0, 0, 0];
  for (const run of manifest.runs) SPLITS.forEach((split, i) => (counts[i] += run.patientsPerSplit[split]));
  return counts;
}

/**
 * An append that does not name a cohort mix or the CGM options (a schedule created before they existed, a Temporal
 * CLI input without them, `generate` without the flag) takes the dataset's last run's.
 */
export function inheritOmittedKeys(config: RunConfig, manifest: Manifest | undefined, omitted: readonly InheritedKey[]): RunConfig {
  const last = manifest?.runs[manifest.runs.length - 1];
  if (!config.appendMode || !last) return config;
  const inherited: Partial<RunConfig> = {};
  for (const key of omitted) if (last.config[key]) Object.assign(inherited, { [key]: last.config[key] });
  return { ...config, ...inherited };
}

/** The time-series layout a committed run wrote (runs before schema version 2 had no horizons). */
function runShape(config: RunConfig): { windowSizeMinutes: number; horizons: number[] } {
  return { windowSizeMinutes: config.windowSizeMinutes, horizons: config.forecastHorizonsMinutes ?? [] };
}

const describeHorizons = (horizons: number[]) => (horizons.length ? horizons.join(',') : 'none');

/**
 * Every part file of a table keeps one schema, so an append is refused when the dataset was
 * written with another schema version (other demographics or time-series columns) or when this
 * run's window or horizons would give the time-series tables other columns; the message names
 * what to do.
 */
export function refuseSchemaChange(manifest: Manifest | undefined, config: RunConfig, location: string): void {
  const last = manifest?.runs[manifest.runs.length - 1];
  if (!config.appendMode || !last || !manifest) return;
  if (manifest.schemaVersion !== SCHEMA_VERSION) {
    throw new ConfigError(
      `invalid appendMode (--no-append): ${location} holds schema version ${manifest.schemaVersion} ` +
        `(${SCHEMA_CHANGES[manifest.schemaVersion] ?? 'an older layout'}); this generator writes version ` +
        `${SCHEMA_VERSION} (${SCHEMA_CHANGES[SCHEMA_VERSION]}), and every part file of a table keeps one ` +
        `schema: write the new runs to another --out, or replace this dataset with --no-append`,
      'appendMode',
    );
  }
  refuseSensorChange(last.config, config, location);
  const dataset = runShape(last.config);
  const run = runShape(config);
  const same = (a: typeof dataset) => timeseriesColumnNames(a.windowSizeMinutes, a.horizons).join('|');
  if (same(dataset) === same(run)) return;
  const field = dataset.windowSizeMinutes !== run.windowSizeMinutes ? 'windowSizeMinutes' : 'forecastHorizonsMinutes';
  throw new ConfigError(
    `invalid ` +
      (`${field === 'windowSizeMinutes' ? 'windowSizeMinutes (--window)' : 'forecastHorizonsMinutes (--horizons)'}: ` +
        `${location} has window ${dataset.windowSizeMinutes} and horizons ` +
        `${describeHorizons(dataset.horizons)}, this run asks for window ${run.windowSizeMinutes} and ` +
        `horizons ${describeHorizons(run.horizons)}; every part file of a table keeps one schema, so append ` +
        `with --window ${dataset.windowSizeMinutes} --horizons ${describeHorizons(dataset.horizons)}, or ` +
        `write a new dataset (another --out, or --no-append to replace this one)`),
    field,
  );
}

/** The sensor contract of a run: runs of schema version 4 record it; earlier ones had none of it. */
function sensorContract(config: Partial<RunConfig>) {
  return {
    cgmDevice: config.cgmDevice ?? DEFAULT_CONFIG.cgmDevice,
    cgmGaps: config.cgmGaps ?? false,
    withTruth: config.withTruth ?? false,
  };
}

/**
 * One table, one contract: an append that changes the CGM device, --cgm-gaps or --with-truth
 * against the dataset's runs is refused (mixing devices or null conventions in one table would make
 * every model trained on it guess which rows are which).
 */
function refuseSensorChange(datasetConfig: Partial<RunConfig>, config: RunConfig, location: string): void {
  const dataset = sensorContract(datasetConfig);
  const run = sensorContract(config);
  const key = (['cgmDevice', 'cgmGaps', 'withTruth'] as const).find((k) => dataset[k] !== run[k]);
  if (!key) return;
  const flags = (c: typeof dataset) =>
    [`--cgm-device ${c.cgmDevice}`, ...(c.cgmGaps ? ['--cgm-gaps'] : []), ...(c.withTruth ? ['--with-truth'] : [])].join(' ');
  throw new ConfigError(
    `invalid ${key} (${CLI_OPTION[key]}): ${location} was written with ${flags(dataset)}, this run asks for ${flags(run)}; ` +
      `every run of a dataset keeps one sensor contract, so append with ${flags(dataset)}, or write a new dataset ` +
      `(another --out, or --no-append to replace this one)`,
    key,
  );
}
