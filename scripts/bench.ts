// `npm run bench [-- --quick]`: what a run costs, measured as a user runs it. Prints a table and
// writes bench-results.json. Full: the default run end to end, per-stage costs, our Parquet writer
// against parquetjs-lite on the same rows, and 1,000 vs 10,000 patients × 1 day. --quick: the
// same measurements on small inputs (under a minute), for development. --compare REF: only the
// default run here against REF's, alternated --pairs times (3).
import type { RecordBatch } from 'apache-arrow';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { drawPatientProfile, type PatientProfile } from '../src/cohort/patientProfile.ts';
import { singleMix } from '../src/domain/cohort.ts';
import { LOOP_TARGET_MGDL, oref0Profile } from '../src/simulation/controllers/aid.ts';
import { decideTempBasal } from '../src/simulation/controllers/oref0.ts';
import { scheduledBasalUnitsPerHour } from '../src/simulation/controllers/pump.ts';
import { randomStream } from '../src/util/random.ts';
import { DEFAULT_CONFIG, simulatedMinutes, type RunConfig } from '../src/config/config.ts';
import { runTimeseriesSchema } from '../src/dataset/arrowSchema.ts';
import { buildBatchTables } from '../src/dataset/batchTables.ts';
import { forecastTailMinutes } from '../src/dataset/horizons.ts';
import { cutWindows } from '../src/dataset/windows.ts';
import { Rk4Integrator, type ModelInputs } from '../src/physiology/glucoseInsulin.ts';
import { simulatePatient, RK4_SUBSTEPS_PER_MINUTE } from '../src/simulation/simulatePatient.ts';
import { LocalStore } from '../src/storage/localStore.ts';
import { writeParquet } from '../src/storage/duckdbParquet.ts';
import { encodeParquet as encodeWithParquetWasm } from './parquetWasmEncoder.ts';
import { PROJECT_ROOT } from '../src/temporal/devServer.ts';
import { quantile } from '../src/realism/realismBands.ts';
import { baselineRoot, DEFAULT_BASELINE } from './benchBaseline.ts';
import { deltaLogBench } from './benchDeltaLog.ts';
import { scaleBench, type RunMeasure } from './benchScale.ts';

const quick = process.argv.includes('--quick');
const scale = process.argv.includes('--scale');
const flagValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const flagText = (name: string, fallback: string) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? String(process.argv[index + 1]) : fallback;
};
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Runs the CLI as a user would; samples the summed RSS of its process tree 5 times a second. */
async function measureRun(
  args: string[],
  root = PROJECT_ROOT,
): Promise<{ wallSeconds: number; coreSeconds: number; peakRssMb: number; bytes: number; out: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-')), 'ds');
  return { ...(await measureCli(args, {}, out, root)), bytes: directoryBytes(out), out };
}

/** Runs `generate` (of the checkout at `root`) into `out` with extra environment; wall, CPU of the whole tree, peak tree RSS. */
async function measureCli(args: string[], env: Record<string, string>, out: string, root = PROJECT_ROOT): Promise<RunMeasure> {
  const started = performance.now();
  const before = childrenCpuSeconds();
  const child = spawn(process.execPath, ['.cache/build/cli.mjs', 'generate', ...args, '--out', out, '--quiet'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  let peakKb = 0;
  const timer = setInterval(() => (peakKb = Math.max(peakKb, treeRssKb(child.pid!))), 200);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`generate ${args.join(' ')} exited ${code}`);
  // cutime + cstime: CPU of every waited-for descendant (the CLI reaps its workers and server).
  const coreSeconds = childrenCpuSeconds() - before;
  return { wallSeconds: (performance.now() - started) / 1000, coreSeconds, peakRssMb: peakKb / 1024 };
}

function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS; // cutime, cstime
}

function treeRssKb(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  return total;
}

/** Per-stage cost on one core, core-ms per patient-day. */
async function stageCosts(patients: number): Promise<Record<string, number>> {
  const config: RunConfig = { ...DEFAULT_CONFIG, numPatients: patients, batchSize: patients };
  const visible = simulatedMinutes(config);
  const total = visible + forecastTailMinutes(config.forecastHorizonsMinutes);
  const patientDays = (patients * visible) / 1440;
  const time = (work: () => void) => {
    const start = performance.now();
    work();
    return (performance.now() - start) / patientDays;
  };
  const profiles = Array.from({ length: patients }, (_, i) => drawPatientProfile(42, i, DEFAULT_CONFIG));
  const profile = time(() => profiles.forEach((_, i) => drawPatientProfile(42, i, DEFAULT_CONFIG)));
  // The core replays each patient's own minute-by-minute inputs (meals, boluses, exercise,
  // sensitivity), recorded from a real simulation, so it sees the work a real run does.
  const recorded = profiles.map((p) => recordCoreInputs(p, total));
  const core = time(() => {
    const integrator = new Rk4Integrator();
    recorded.forEach(({ initialState, inputs }, i) => {
      const state = Float64Array.from(initialState);
      for (const minuteInputs of inputs) integrator.step(state, profiles[i]!.model, minuteInputs, 1, RK4_SUBSTEPS_PER_MINUTE);
    });
  });
  let series: ReturnType<typeof simulatePatient>[] = [];
  const simulation = time(() => (series = profiles.map((p) => simulatePatient(42, p, total))));
  const windows = time(() =>
    series.forEach((s) => cutWindows(s.signals, visible, config.windowSizeMinutes, config.forecastHorizonsMinutes, 0)),
  );
  const batches = await timeseriesBatches(config, patients);
  const schema = runTimeseriesSchema(config);
  // CPU of every thread (DuckDB encodes on a thread of its own), per patient-day.
  await writeParquet(schema, batches.slice(0, 1), 'bench'); // the first call opens DuckDB
  let bytes: Uint8Array = new Uint8Array();
  const encoding = (await cpuMs(async () => void (bytes = await writeParquet(schema, batches, 'bench')))) / patientDays;
  const store = new LocalStore(mkdtempSync(join(tmpdir(), 'bench-store-')));
  const writeStart = performance.now();
  await store.put('part.parquet', bytes);
  const storeWrite = (performance.now() - writeStart) / patientDays;
  rmSync(store.location, { recursive: true, force: true });
  return {
    profile,
    glucoseCore: core,
    restOfSimulation: simulation - core,
    windowsAndLabels: windows,
    parquetEncoding: encoding,
    storeWrite,
  };
}

/** Core-milliseconds (user + system, all threads of this process) spent in `work`. */
async function cpuMs(work: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/**
 * The product's encoder (DuckDB) against the one it replaced (parquet-wasm, schema 4), on the
 * same rows of the project's own patients: core-ms per patient-day and bytes.
 */
async function encoderComparison(patients: number): Promise<Record<string, number>> {
  const config: RunConfig = { ...DEFAULT_CONFIG, numPatients: patients, batchSize: patients };
  const patientDays = (patients * simulatedMinutes(config)) / 1440;
  const batches = await timeseriesBatches(config, patients);
  const schema = runTimeseriesSchema(config);
  await encodeWithParquetWasm(schema, batches.slice(0, 1), 'bench');
  await writeParquet(schema, batches.slice(0, 1), 'bench');
  const figures = { duckdbCoreMs: [] as number[], parquetWasmCoreMs: [] as number[], duckdbBytes: 0, parquetWasmBytes: 0 };
  // Alternated, three times each: the median of each.
  for (let round = 0; round < 3; round++) {
    figures.parquetWasmCoreMs.push(
      await cpuMs(async () => void (figures.parquetWasmBytes = (await encodeWithParquetWasm(schema, batches, 'bench')).length)),
    );
    figures.duckdbCoreMs.push(await cpuMs(async () => void (figures.duckdbBytes = (await writeParquet(schema, batches, 'bench')).length)));
  }
  const duckdb = quantile(figures.duckdbCoreMs, 0.5) / patientDays;
  const parquetWasm = quantile(figures.parquetWasmCoreMs, 0.5) / patientDays;
  return {
    patients,
    duckdbCoreMsPerPatientDay: duckdb,
    parquetWasmCoreMsPerPatientDay: parquetWasm,
    ratio: duckdb / parquetWasm,
    duckdbBytesPerPatientDay: figures.duckdbBytes / patientDays,
    parquetWasmBytesPerPatientDay: figures.parquetWasmBytes / patientDays,
  };
}

/** The inputs the integrator saw each minute of one patient's simulation. */
function recordCoreInputs(profile: PatientProfile, minutes: number): { initialState: Float64Array; inputs: ModelInputs[] } {
  const inputs: ModelInputs[] = [];
  const step = Rk4Integrator.prototype.step;
  Rk4Integrator.prototype.step = function (this: Rk4Integrator, state, p, minuteInputs, length, subSteps) {
    inputs.push({ ...minuteInputs });
    step.call(this, state, p, minuteInputs, length, subSteps);
  };
  try {
    simulatePatient(42, profile, minutes);
  } finally {
    Rk4Integrator.prototype.step = step;
  }
  return { initialState: Float64Array.from(profile.initialState), inputs };
}

/** The time-series rows of patients 0…n−1 (all in one split), one record batch per patient. */
async function timeseriesBatches(config: RunConfig, patients: number): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  const spec = { config, firstPatientIndex: 0, start: 0, end: patients, splitCodes: new Uint8Array(patients) };
  await buildBatchTables(
    spec,
    async (_split, patients) => void batches.push(...patients),
    () => {},
  );
  return batches;
}

/**
 * The therapy controllers' cost: the same adults simulated under each therapy (core-ms per
 * patient-day), the closed loop's decisions per patient-day, its extra cost per decision over a
 * plain pump (oref0 plus building its inputs), and oref0's determine-basal alone on varied inputs.
 */
function controllerCosts(patients: number, days: number): Record<string, number> {
  const minutes = days * 1440;
  const profiles = Array.from({ length: patients }, (_, i) => drawPatientProfile(42, i, singleMix('aid', 'adult')));
  const perDay: Record<string, number> = {};
  let decisions = 0;
  for (const therapy of ['mdi', 'pump', 'aid', 'mdi', 'pump', 'aid'] as const) {
    const start = performance.now();
    let made = 0;
    for (const profile of profiles) made += simulatePatient(42, profile, minutes, { therapy }).timeline.loopDecisions;
    // The second pass of each therapy is kept (the first warms the JIT).
    perDay[therapy] = (performance.now() - start) / (patients * days);
    if (therapy === 'aid') decisions = made / (patients * days);
  }
  return {
    mdiCoreMsPerPatientDay: perDay.mdi!,
    pumpCoreMsPerPatientDay: perDay.pump!,
    aidCoreMsPerPatientDay: perDay.aid!,
    loopDecisionsPerPatientDay: decisions,
    loopMicrosecondsPerDecision: ((perDay.aid! - perDay.pump!) * 1000) / decisions,
    oref0MicrosecondsPerCall: oref0CallMicroseconds(quick ? 2_000 : 20_000),
  };
}

/** determine-basal alone (logging silenced), on inputs swept over glucose, trend and insulin on board. */
function oref0CallMicroseconds(calls: number): number {
  const rng = randomStream(42, 0, 'bench-oref0');
  const person = drawPatientProfile(42, 0, singleMix('aid', 'adult'));
  const profile = oref0Profile(person, LOOP_TARGET_MGDL);
  profile.current_basal = scheduledBasalUnitsPerHour(person.therapy, 720);
  const inputs = Array.from({ length: 64 }, () => {
    const iob = 3 * rng.uniform() - 0.5;
    const ticks = Array.from({ length: 48 }, (_, t) => ({
      iob: iob * Math.exp(-t / 20),
      activity: (iob / 60) * Math.exp(-t / 20),
      iobWithZeroTemp: { iob: iob * Math.exp(-t / 20) - 0.05 * t, activity: (iob / 60) * Math.exp(-t / 20) - 0.0008 * Math.min(t, 15) },
    }));
    const delta = 8 * rng.normal();
    const carbs = rng.uniform() < 0.3 ? Math.round(60 * rng.uniform()) : 0;
    return {
      status: {
        glucose: 60 + 240 * rng.uniform(),
        delta,
        short_avgdelta: delta,
        long_avgdelta: delta / 2,
        date: Date.UTC(2025, 0, 6, 12),
        noise: 0,
        device: 'bench',
      },
      ticks,
      meal: {
        carbs,
        mealCOB: carbs / 2,
        lastCarbTime: carbs ? Date.UTC(2025, 0, 6, 11) : 0,
        slopeFromMaxDeviation: 0,
        slopeFromMinDeviation: 0,
        bwFound: false,
        bwCarbs: false,
      },
    };
  });
  const temp = { duration: 0, rate: 0, temp: 'absolute' as const };
  for (let i = 0; i < 500; i++)
    decideTempBasal(inputs[i % 64]!.status, temp, inputs[i % 64]!.ticks, profile, inputs[i % 64]!.meal, new Date(Date.UTC(2025, 0, 6, 12)));
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    const input = inputs[i % 64]!;
    decideTempBasal(input.status, temp, input.ticks, profile, input.meal, new Date(input.status.date));
  }
  return ((performance.now() - start) * 1000) / calls;
}

/** Per table: row counts of two datasets and the rows (as a multiset) found in one and not the other. */
async function sameRows(
  dataset: string,
  baseline: string,
): Promise<{ table: string; rows: number; baselineRows: number; differing: number }[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await (await DuckDBInstance.create()).connect();
  const value = async (sql: string) => Number((await db.runAndReadAll(sql)).getRows()[0]![0]);
  const figures = [];
  for (const table of ['patient_demographics', 'timeseries_features_train', 'timeseries_features_val', 'timeseries_features_test']) {
    const read = (root: string) => `read_parquet('${root}/${table}.parquet/*.parquet')`;
    const hasTimestamp = table !== 'patient_demographics';
    const select = (root: string) =>
      hasTimestamp ? `SELECT * EXCLUDE (timestamp), epoch_ms(timestamp) AS t FROM ${read(root)}` : `SELECT * FROM ${read(root)}`;
    figures.push({
      table,
      rows: await value(`SELECT count(*) FROM ${read(dataset)}`),
      baselineRows: await value(`SELECT count(*) FROM ${read(baseline)}`),
      differing:
        (await value(`SELECT count(*) FROM (${select(dataset)} EXCEPT ALL ${select(baseline)})`)) +
        (await value(`SELECT count(*) FROM (${select(baseline)} EXCEPT ALL ${select(dataset)})`)),
    });
  }
  return figures;
}

/** Our writer against parquetjs-lite (GZIP) on the same rows. */
async function writerComparison(
  rows: number,
): Promise<{ rows: number; oursSeconds: number; oursBytes: number; parquetjsSeconds: number; parquetjsBytes: number }> {
  const config: RunConfig = { ...DEFAULT_CONFIG, simulationDaysPerPatient: 3 };
  const patients = Math.ceil(rows / (simulatedMinutes(config) - config.windowSizeMinutes));
  const batches = await timeseriesBatches({ ...config, numPatients: patients }, patients);
  const schema = runTimeseriesSchema(config);
  let start = performance.now();
  const ours = await writeParquet(schema, batches, 'bench');
  const oursSeconds = (performance.now() - start) / 1000;
  const exact = batches.reduce((s, b) => s + b.numRows, 0);

  const require = createRequire(import.meta.url);
  const parquet = require('parquetjs-lite');
  const fields: Record<string, { type: string; compression: string }> = {};
  for (const field of schema.fields) {
    const type =
      field.name === 'patient_id'
        ? 'UTF8'
        : field.name === 'timestamp'
          ? 'TIMESTAMP_MILLIS'
          : String(field.type) === 'Int32'
            ? 'INT32'
            : 'DOUBLE';
    fields[field.name] = { type, compression: 'GZIP' };
  }
  const path = join(mkdtempSync(join(tmpdir(), 'bench-pq-')), 'part.parquet');
  start = performance.now();
  const writer = await parquet.ParquetWriter.openFile(new parquet.ParquetSchema(fields), path);
  for (const batch of batches) {
    const columns = schema.fields.map((f) => batch.getChild(f.name)!.toArray());
    for (let row = 0; row < batch.numRows; row++) {
      const record: Record<string, unknown> = {};
      schema.fields.forEach(
        (f, c) => (record[f.name] = f.name === 'timestamp' ? new Date(Number((columns[c] as BigInt64Array)[row])) : columns[c]![row]),
      );
      await writer.appendRow(record);
    }
  }
  await writer.close();
  const parquetjsSeconds = (performance.now() - start) / 1000;
  return { rows: exact, oursSeconds, oursBytes: ours.length, parquetjsSeconds, parquetjsBytes: statSync(path).size };
}

const defaultArgs = quick ? ['--patients', '100', '--days', '1'] : [];
type Measured = RunMeasure & { bytes: number };
const measureAndRemove = async (args: string[], root?: string): Promise<Measured> => {
  const { out, ...figures } = await measureRun(args, root);
  rmSync(out, { recursive: true, force: true });
  return figures;
};
/**
 * `args` here and, when given, `other.args` in the checkout at `other.root`, alternated `pairs`
 * times: a machine's speed drifts by ±15 % within minutes, so each pair gives a ratio.
 */
async function alternatedRuns(args: string[], pairs: number, other?: { args: string[]; root: string }) {
  const here: Measured[] = [];
  const there: Measured[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    here.push(await measureAndRemove(args));
    if (other) there.push(await measureAndRemove(other.args, other.root));
  }
  const ratios = (key: keyof RunMeasure) => here.map((run, i) => run[key] / there[i]![key]);
  return { here, there, ratios };
}
const f = (v: number, d = 1) => v.toFixed(d);
/** The median of the ratios and their range, e.g. `0.54× (0.50–0.57)`. */
const medianAndRange = (values: number[]) => `${f(quantile(values, 0.5), 2)}× (${f(Math.min(...values), 2)}–${f(Math.max(...values), 2)})`;

if (process.argv.includes('--same-rows')) {
  // Every table of the dataset this commit writes against the one REF writes (same arguments),
  // compared row by row in DuckDB with the timestamp as epoch milliseconds.
  const ref = flagText('--same-rows', 'HEAD~1');
  const { root, sha } = baselineRoot(ref);
  const theirs = await measureRun(defaultArgs, root);
  const ours = await measureRun(defaultArgs);
  const figures = await sameRows(ours.out, theirs.out);
  const lines = [
    `| table (${defaultArgs.join(' ') || 'the default run'}) | rows here | rows at ${ref} (${sha.slice(0, 9)}) | rows of one not in the other |`,
    `|---|---:|---:|---:|`,
    ...figures.map((t) => `| ${t.table} | ${t.rows} | ${t.baselineRows} | ${t.differing} |`),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  rmSync(ours.out, { recursive: true, force: true });
  rmSync(theirs.out, { recursive: true, force: true });
  process.exit(figures.every((t) => t.differing === 0 && t.rows === t.baselineRows) ? 0 : 1);
}

if (process.argv.includes('--compare')) {
  // The default run here against the default run of REF (its own checkout, lockfile and bundles),
  // alternated --pairs times in one session: the machine's speed drifts within minutes, so each pair
  // gives a ratio and the median and range of the ratios are what compare.
  const ref = flagText('--compare', 'HEAD~1');
  const { root, sha } = baselineRoot(ref);
  const comparePairs = flagValue('--pairs', quick ? 1 : 3);
  const { here, there, ratios } = await alternatedRuns(defaultArgs, comparePairs, { args: defaultArgs, root });
  const each = (runs: Measured[], key: keyof RunMeasure) => runs.map((run) => f(run[key])).join(', ');
  const lines = [
    `| ${defaultArgs.join(' ') || 'the default run'}, ${comparePairs} pair(s) | here | ${ref} (${sha.slice(0, 9)}) | here / there, median (range) |`,
    `|---|---|---|---|`,
    `| wall, s | ${each(here, 'wallSeconds')} | ${each(there, 'wallSeconds')} | ${medianAndRange(ratios('wallSeconds'))} |`,
    `| CPU, core-s | ${each(here, 'coreSeconds')} | ${each(there, 'coreSeconds')} | ${medianAndRange(ratios('coreSeconds'))} |`,
    `| peak RSS, MB | ${each(here, 'peakRssMb')} | ${each(there, 'peakRssMb')} | ${medianAndRange(ratios('peakRssMb'))} |`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  process.exit(0);
}

if (process.argv.includes('--delta-log')) {
  // Opening a table with a long log (no checkpoints): the generator, delta-rs and Spark.
  const figures = await deltaLogBench(flagValue('--versions', 1000));
  const path = join(PROJECT_ROOT, 'bench-results.json');
  const previous = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  writeFileSync(path, JSON.stringify({ ...previous, deltaLog: { measuredAt: new Date().toISOString(), ...figures } }, null, 2) + '\n');
  const seconds = (key: string) => `${Number(figures[key]).toFixed(2)} s`;
  const lines = [
    `| a table with ${figures.versions} Delta versions (${figures.versions} files), local disk | time |`,
    `|---|---|`,
    `| the generator reads and replays the log (once per table at every commit) | ${seconds('generatorReadSeconds')} |`,
    `| delta-rs: open (\`DeltaTable(path)\`), then count ${figures.rows} rows | ${seconds('deltarsOpenSeconds')}, ${seconds('deltarsCountSeconds')} |`,
    `| Spark + delta-spark: load and read the version, then count ${figures.sparkRows} rows | ${seconds('sparkOpenSeconds')}, ${seconds('sparkCountSeconds')} |`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\nbench-results.json updated (deltaLog).\n`);
  process.exit(0);
}

if (scale) {
  // The scale run is a bench of its own (minutes): its figures join the last full results.
  const figures = await scaleBench(measureCli, { patients: flagValue('--patients', 100_000), latencyMs: flagValue('--s3-latency-ms', 25) });
  const path = join(PROJECT_ROOT, 'bench-results.json');
  const previous = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  writeFileSync(path, JSON.stringify({ ...previous, scale: { measuredAt: new Date().toISOString(), ...figures } }, null, 2) + '\n');
  const run = figures.run as RunMeasure;
  const commit = figures.commit as { commitSeconds: number; attempts: number; longestHeartbeatGapSeconds: number; heartbeats: number };
  const lines = [
    `| measure (${Number(figures.patients).toLocaleString('en-US')} patients × 0.01 day to S3, ${figures.s3LatencyMs} ms added per request) | value |`,
    `|---|---|`,
    `| run: wall, CPU of all processes, peak RSS | ${run.wallSeconds.toFixed(0)} s, ` +
      `${run.coreSeconds.toFixed(0)} core-s, ${(run.peakRssMb / 1024).toFixed(2)} GB |`,
    `| commit: duration, attempts, heartbeats seen, longest wait between heartbeats | ` +
      `${commit.commitSeconds.toFixed(0)} s, ${commit.attempts}, ${commit.heartbeats}, ` +
      `${commit.longestHeartbeatGapSeconds.toFixed(1)} s |`,
    `| manifest: size, rewrite (get, parse, serialise, put) | ` +
      `${(Number(figures.manifestBytes) / 1e6).toFixed(2)} MB, ` +
      `${Number(figures.manifestRewriteSeconds).toFixed(2)} s |`,
    `| status of the dataset | ${Number(figures.statusSeconds).toFixed(1)} s |`,
    `| append 10 patients: to the big dataset vs to an empty one | ` +
      `${Number(figures.appendTenToBigSeconds).toFixed(1)} s vs ` +
      `${Number(figures.appendTenToEmptySeconds).toFixed(1)} s |`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\nbench-results.json updated (scale).\n`);
  process.exit(0);
}

const results: Record<string, unknown> = {
  machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  mode: quick ? 'quick' : 'full',
  measuredAt: new Date().toISOString(),
};
const run = await measureAndRemove(defaultArgs);
results.defaultRun = { args: defaultArgs.join(' ') || '(defaults: 1000 patients × 3 days)', ...run };
// The cohort of schema version 2 (adults on pens) and the baseline commit's default run (that cohort),
// alternated --pairs times (3 by default): a machine's speed drifts by ±15 % within minutes here, so
// each pair gives a ratio and the table shows their median and range.
const adultsOnPensArgs = [...defaultArgs, '--therapy-mix', 'mdi:1', '--age-mix', 'adult:1'];
const baselineRef = process.argv.includes('--no-baseline') ? undefined : flagText('--baseline', DEFAULT_BASELINE);
const baseline = baselineRef ? { ref: baselineRef, ...baselineRoot(baselineRef) } : undefined;
const pairs = flagValue('--pairs', quick ? 1 : 3);
const {
  here: adultsOnPensRuns,
  there: baselineRuns,
  ratios: ratio,
} = await alternatedRuns(adultsOnPensArgs, pairs, baseline && { args: defaultArgs, root: baseline.root });
const adultsOnPens = adultsOnPensRuns[0]!;
results.adultsOnPensRuns = { args: adultsOnPensArgs.join(' '), runs: adultsOnPensRuns };
const ratios = baseline ? { wall: ratio('wallSeconds'), cpu: ratio('coreSeconds'), peak: ratio('peakRssMb') } : undefined;
if (baseline) {
  results.baselineRuns = { ref: baseline.ref, sha: baseline.sha, runs: baselineRuns };
  results.likeForLikeRatios = ratios;
}
results.controllers = controllerCosts(quick ? 10 : 60, quick ? 1 : 3);
results.stagesCoreMsPerPatientDay = await stageCosts(quick ? 10 : 50);
const patientDays = quick ? 100 : 3000;
const stageSum = Object.values(results.stagesCoreMsPerPatientDay as Record<string, number>).reduce((a, b) => a + b, 0);
(results.stagesCoreMsPerPatientDay as Record<string, number>).orchestrationAndStartUp = (run.coreSeconds * 1000) / patientDays - stageSum;
results.encoders = await encoderComparison(quick ? 10 : 50);
results.writerComparison = await writerComparison(quick ? 10_000 : 100_000);
const small = quick ? 100 : 1000;
const large = quick ? 300 : 10_000;
// A run's peak RSS is the highest of ~5 samples a second of two workers whose memory swings by tens
// of MB from file to file: one pair of runs moves the ratio by ±0.1 (1,000 patients alone peaked at
// 0.82–0.90 GB within one session). So the small and large runs alternate --scale-pairs times (3 by
// default) and the table shows each ratio's median and range, as for the baseline pairs.
const scalePairs = flagValue('--scale-pairs', quick ? 1 : 3);
const scaleRuns: { small: Measured; large: Measured }[] = [];
for (let pair = 0; pair < scalePairs; pair++) {
  scaleRuns.push({
    small: await measureAndRemove(['--patients', String(small), '--days', '1']),
    large: await measureAndRemove(['--patients', String(large), '--days', '1']),
  });
}
results.scaling = {
  small,
  large,
  runs: scaleRuns,
  coreSecondsPerPatientRatios: scaleRuns.map((r) => r.large.coreSeconds / large / (r.small.coreSeconds / small)),
  peakRssRatios: scaleRuns.map((r) => r.large.peakRssMb / r.small.peakRssMb),
};
writeFileSync(join(PROJECT_ROOT, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');

const w = results.writerComparison as Awaited<ReturnType<typeof writerComparison>>;
const e = results.encoders as Record<string, number>;
const s = results.scaling as { coreSecondsPerPatientRatios: number[]; peakRssRatios: number[] };
const lines = [
  `| measure | value |`,
  `|---|---|`,
  `| default run${quick ? ' (quick: 100 × 1 day)' : ''}: wall | ${f(run.wallSeconds)} s |`,
  `| default run: CPU, all processes | ${f(run.coreSeconds)} core-s |`,
  `| default run: peak RSS, whole tree | ${f(run.peakRssMb / 1024, 2)} GB |`,
  `| default run: output | ${f(run.bytes / 1e6)} MB |`,
  ...adultsOnPensRuns.map(
    (run, i) =>
      `| same run with --therapy-mix mdi:1 --age-mix adult:1${pairs > 1 ? ` (pair ${i + 1})` : ''}: wall, CPU, peak RSS, output | ` +
      `${f(run.wallSeconds)} s, ${f(run.coreSeconds)} core-s, ${f(run.peakRssMb / 1024, 2)} GB, ${f(run.bytes / 1e6)} MB |`,
  ),
  ...(baseline && ratios
    ? [
        ...baselineRuns.map(
          (run, i) =>
            `| baseline ${baseline.ref} (${baseline.sha.slice(0, 9)}), its default run${pairs > 1 ? ` (pair ${i + 1})` : ''}: ` +
            `wall, CPU, peak RSS, output | ${f(run.wallSeconds)} s, ${f(run.coreSeconds)} core-s, ` +
            `${f(run.peakRssMb / 1024, 2)} GB, ${f(run.bytes / 1e6)} MB |`,
        ),
        `| this commit like for like (adults on pens) ÷ baseline, median (range) of ${pairs} pair${pairs > 1 ? 's' : ''}: wall, CPU, peak RSS | ` +
          (['wall', 'cpu', 'peak'] as const).map((key) => medianAndRange(ratios[key])).join(', ') +
          ' |',
      ]
    : []),
  `| default mix minus adults on pens: CPU per patient-day | ${f(((run.coreSeconds - adultsOnPens.coreSeconds) * 1000) / patientDays, 2)} core-ms |`,
  ...Object.entries(results.controllers as Record<string, number>).map(([k, v]) => `| controllers: ${k} | ${f(v, 2)} |`),
  ...Object.entries(results.stagesCoreMsPerPatientDay as Record<string, number>).map(
    ([k, v]) => `| ${k} | ${f(v, 2)} core-ms / patient-day |`,
  ),
  `| Parquet encoding, core-ms per patient-day: DuckDB (this commit) vs parquet-wasm (the encoder before) | ` +
    `${f(e.duckdbCoreMsPerPatientDay, 2)} vs ${f(e.parquetWasmCoreMsPerPatientDay, 2)} (${f(e.ratio, 2)}×); ` +
    `${f(e.duckdbBytesPerPatientDay / 1e3)} kB vs ${f(e.parquetWasmBytesPerPatientDay / 1e3)} kB per patient-day |`,
  `| writer, ${w.rows.toLocaleString('en-US')} rows: ours (DuckDB) vs parquetjs-lite (GZIP) | ` +
    `${f(w.oursSeconds, 2)} s vs ${f(w.parquetjsSeconds, 2)} s (${f(w.parquetjsSeconds / w.oursSeconds)}× ` +
    `faster); ${f(w.oursBytes / 1e6, 2)} MB vs ${f(w.parquetjsBytes / 1e6, 2)} MB ` +
    `(${f(w.parquetjsBytes / w.oursBytes, 2)}× smaller) |`,
  `| ${large.toLocaleString('en-US')} vs ${small.toLocaleString('en-US')} patients × 1 day, median (range) of ${scalePairs} ` +
    `pair${scalePairs > 1 ? 's' : ''} | core time per patient ${medianAndRange(s.coreSecondsPerPatientRatios)}, ` +
    `peak RSS ${medianAndRange(s.peakRssRatios)} |`,
];
process.stdout.write(`\n${lines.join('\n')}\n\nbench-results.json written.\n`);
