// `npm run bench -- --delta-log [--versions N]`: what a long Delta log costs without checkpoints.
// A real run (2 patients) is committed, then its train part is appended N−1 more times, one version
// each, so the train table has N versions and N files. Measured: the generator's own read of the
// log (what every commit does once per table), and how long delta-rs and Spark (delta-spark) take
// to open the table and count its rows.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, validateRunConfig } from '../src/config/config.ts';
import { runTimeseriesSchema } from '../src/dataset/arrowSchema.ts';
import { commitRun } from '../src/pipeline/commit.ts';
import { readDeltaState } from '../src/pipeline/deltaCommit.ts';
import { planRun } from '../src/pipeline/plan.ts';
import { stageBatch } from '../src/pipeline/stage.ts';
import { commitFileName, deltaCommitText, sparkSchemaString, type DeltaFile } from '../src/storage/deltaLog.ts';
import { deltaLogPrefix, tableDirectory } from '../src/storage/layout.ts';
import { LocalStore } from '../src/storage/localStore.ts';
import { readManifest } from '../src/storage/manifest.ts';
import { PROJECT_ROOT } from '../src/temporal/devServer.ts';

const TABLE = 'timeseries_features_train' as const;

/** Python's reading times, printed by the reader as JSON. */
function timeReaders(tableDir: string): Promise<Record<string, number>> {
  const program = `
import glob, json, os, sys, time
from deltalake import DeltaTable
path = sys.argv[1]
t0 = time.perf_counter(); dt = DeltaTable(path); t1 = time.perf_counter()
rows = dt.to_pyarrow_dataset().count_rows(); t2 = time.perf_counter()
from pyspark.sql import SparkSession
jars = ",".join(sorted(glob.glob(os.path.join(sys.argv[2], ".tools/jars/*.jar"))))
spark = (SparkSession.builder.master("local[1]").config("spark.jars", jars)
  .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
  .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
  .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
t3 = time.perf_counter(); df = spark.read.format("delta").load(path); version = spark.sql(f"DESCRIBE HISTORY delta.\`{path}\` LIMIT 1").collect()[0]["version"]; t4 = time.perf_counter()
spark_rows = df.count(); t5 = time.perf_counter()
print(json.dumps({"deltarsVersion": dt.version(), "deltarsOpenSeconds": t1 - t0, "deltarsCountSeconds": t2 - t1, "rows": rows,
  "sparkVersion": version, "sparkOpenSeconds": t4 - t3, "sparkCountSeconds": t5 - t4, "sparkRows": spark_rows}))
`;
  return new Promise((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, '.venv/bin/python'), ['-c', program, tableDir, PROJECT_ROOT], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err.slice(-2000)))));
  });
}

export async function deltaLogBench(versions: number): Promise<Record<string, number>> {
  const root = join(mkdtempSync(join(tmpdir(), 'bench-delta-')), 'ds');
  const store = new LocalStore(root);
  const config = validateRunConfig({ ...DEFAULT_CONFIG, numPatients: 2, simulationDaysPerPatient: 0.2, outputDir: root });
  const plan = await planRun(store, config, {
    runId: '01936c2e-0000-7000-8000-000000000001',
    workflowId: 'bench',
    startedAt: new Date().toISOString(),
  });
  for (let batch = 0; batch < plan.batchCount; batch++) await stageBatch(store, plan, batch, async () => {});
  await commitRun(store, plan, new Date().toISOString());
  let state = await readDeltaState(store, TABLE);
  const [first] = state.files;
  const [firstName, size] = first!;
  // The copies carry the first part's row count in their stats: Spark answers count() from them.
  const rows = (await readManifest(store))!.files.find((f) => f.path === `${tableDirectory(TABLE)}/${firstName}`)!.rows;
  const live: DeltaFile[] = [{ path: firstName, size, rows }];
  const schemaString = sparkSchemaString(runTimeseriesSchema(config));
  for (let version = 1; version < versions; version++) {
    const path = `part-bench-${String(version).padStart(6, '0')}.parquet`;
    copyFileSync(join(root, tableDirectory(TABLE), firstName), join(root, tableDirectory(TABLE), path));
    live.push({ path, size, rows });
    const text = deltaCommitText({
      state,
      liveFiles: live,
      schemaString,
      tableId: state.tableId!,
      appId: 'bench',
      runSeq: version + 1,
      timestampMs: Date.now(),
      engineInfo: 'bench',
    });
    await store.putIfAbsent(`${deltaLogPrefix(TABLE)}/${commitFileName(version)}`, text);
    state.version = version;
    state.files.set(path, size);
    state.schemaString = schemaString;
  }
  const started = performance.now();
  state = await readDeltaState(store, TABLE);
  const generatorReadSeconds = (performance.now() - started) / 1000;
  if (state.version !== versions - 1 || state.files.size !== versions)
    throw new Error(`log replayed to ${state.version}/${state.files.size}`);
  const readers = await timeReaders(join(root, tableDirectory(TABLE)));
  rmSync(root, { recursive: true, force: true });
  return { versions, generatorReadSeconds, ...readers };
}
