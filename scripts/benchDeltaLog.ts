// `npm run bench -- --delta-log [--versions N]`: what a long Delta log costs without checkpoints.
// A real run (2 patients) is committed, then its train part is appended N−1 more times, one version
// each, so the train table has N versions and N files. Measured: the generator's own read of the
// log (what every commit does once per table), and how long delta-rs and Spark (delta-spark) take
// to open the table and count its rows.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, validateRunConfig } from '../src/config/config.ts';
import { commitRun } from '../src/pipeline/commit.ts';
import { readDeltaState } from '../src/pipeline/deltaCommit.ts';
import { planRun } from '../src/pipeline/plan.ts';
import { stageBatch } from '../src/pipeline/stage.ts';
import { applyDeltaCommit, commitFileName, deltaCommitText, type DeltaFile } from '../src/storage/deltaLog.ts';
import { deltaLogPrefix, tableDirectory } from '../src/storage/layout.ts';
import { LocalStore } from '../src/storage/localStore.ts';
import { readManifest } from '../src/storage/manifest.ts';
import { PROJECT_ROOT } from '../src/temporal/devServer.ts';
import { runPython } from '../test/helpers/python.ts';

const TABLE = 'timeseries_features_train' as const;

/** Python's reading times, printed by the reader as JSON. */
function timeReaders(tableDir: string): Promise<Record<string, number>> {
  const program = `
import json, os, sys, time
from deltalake import DeltaTable
sys.path.insert(0, os.path.join(sys.argv[2], "test/interop"))
from check_delta import spark_session  # the Spark session the interop tests read Delta with
path = sys.argv[1]
t0 = time.perf_counter(); dt = DeltaTable(path); t1 = time.perf_counter()
rows = dt.to_pyarrow_dataset().count_rows(); t2 = time.perf_counter()
spark = spark_session()
t3 = time.perf_counter(); df = spark.read.format("delta").load(path); version = spark.sql(f"DESCRIBE HISTORY delta.\`{path}\` LIMIT 1").collect()[0]["version"]; t4 = time.perf_counter()
spark_rows = df.count(); t5 = time.perf_counter()
print(json.dumps({"deltarsVersion": dt.version(), "deltarsOpenSeconds": t1 - t0, "deltarsCountSeconds": t2 - t1, "rows": rows,
  "sparkVersion": version, "sparkOpenSeconds": t4 - t3, "sparkCountSeconds": t5 - t4, "sparkRows": spark_rows}))
`;
  return runPython(['-c', program, tableDir, PROJECT_ROOT]).then((out) => JSON.parse(out));
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
  const state = await readDeltaState(store, TABLE);
  const [first] = state.files;
  const [firstName, size] = first!;
  // The copies carry the first part's row count in their stats: Spark answers count() from them.
  const rows = (await readManifest(store))!.files.find((f) => f.path === `${tableDirectory(TABLE)}/${firstName}`)!.rows;
  const live: DeltaFile[] = [{ path: firstName, size, rows }];
  for (let version = 1; version < versions; version++) {
    const path = `part-bench-${String(version).padStart(6, '0')}.parquet`;
    copyFileSync(join(root, tableDirectory(TABLE), firstName), join(root, tableDirectory(TABLE), path));
    live.push({ path, size, rows });
    const text = deltaCommitText({
      state,
      liveFiles: live,
      schemaString: state.schemaString!,
      tableId: state.tableId!,
      appId: 'bench',
      runSeq: version + 1,
      timestampMs: Date.now(),
      engineInfo: 'bench',
    });
    await store.putIfAbsent(`${deltaLogPrefix(TABLE)}/${commitFileName(version)}`, text);
    applyDeltaCommit(state, text);
  }
  const started = performance.now();
  const replayed = await readDeltaState(store, TABLE);
  const generatorReadSeconds = (performance.now() - started) / 1000;
  if (replayed.version !== versions - 1 || replayed.files.size !== versions)
    throw new Error(`log replayed to ${replayed.version}/${replayed.files.size}`);
  const readers = await timeReaders(join(root, tableDirectory(TABLE)));
  rmSync(root, { recursive: true, force: true });
  return { versions, generatorReadSeconds, ...readers };
}
