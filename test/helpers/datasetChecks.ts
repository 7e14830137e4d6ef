import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { commitFileName, logVersions, replayDeltaLog } from '../../src/storage/deltaLog.ts';
import { rows, scalar, tableGlob } from './duckdb.ts';

export const TABLES = ['patient_demographics', 'timeseries_features_train', 'timeseries_features_val', 'timeseries_features_test'];
const DELTA_LOG = '_delta_log';
const PART = /^part-\d{5}-(\d{5}|empty)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.parquet$/;

/** md5 of the sorted rows of every table (DuckDB): equal hashes mean identical data. */
export async function datasetHash(db: DuckDBConnection, dataset: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const table of TABLES) {
    const result = await rows(
      db,
      `SELECT md5(string_agg(r, '\n' ORDER BY r)) FROM (SELECT CAST(t AS VARCHAR) r FROM ${tableGlob(dataset, table)} t)`,
    );
    hashes[table] = String(result[0]![0]);
  }
  return hashes;
}

/** The part files of a table directory (its `_delta_log/` left out). */
/**
 * A run holds the dataset's lease and has staged something of its own under `_staging/`. Counting
 * entries is not enough: while the lease is being created its temp file sits beside it.
 */
export function runStaged(dataset: string): boolean {
  const staging = join(dataset, '_staging');
  return existsSync(join(staging, '_lease.json')) && readdirSync(staging).some((name) => !name.startsWith('_'));
}

export const partFilesIn = (tableDirectory: string): string[] =>
  existsSync(tableDirectory) ? readdirSync(tableDirectory).filter((f) => f !== DELTA_LOG) : [];

/**
 * Every file in every table directory is a finished part file listed by the manifest, each table's
 * Delta log (versions 0…n without a gap, the latest run's txn) holds exactly those files, and no
 * staging is left.
 */
export function assertCommittedLayout(dataset: string, options: { runInProgress?: boolean } = {}): void {
  const manifest = JSON.parse(readFileSync(join(dataset, '_manifest.json'), 'utf8')) as {
    datasetId: string;
    runs: { runSeq: number }[];
    files: { path: string }[];
    pendingDeletes: string[];
  };
  const onDisk = TABLES.flatMap((t) => partFilesIn(join(dataset, `${t}.parquet`)).map((f) => `${t}.parquet/${f}`)).sort();
  const listed = manifest.files.map((f) => f.path).sort();
  if (JSON.stringify(onDisk) !== JSON.stringify(listed))
    throw new Error(`table directories differ from the manifest:\n${onDisk.join('\n')}\nvs\n${listed.join('\n')}`);
  const latestRun = Math.max(...manifest.runs.map((r) => r.runSeq));
  const latestVersions: number[] = [];
  for (const table of TABLES) {
    const logDir = join(dataset, `${table}.parquet`, DELTA_LOG);
    const { versions, missing } = logVersions(readdirSync(logDir));
    if (missing !== undefined) throw new Error(`${table}: Delta log lacks version ${missing}`);
    const state = replayDeltaLog(versions.map((version) => readFileSync(join(logDir, commitFileName(version)), 'utf8')));
    const byLog = [...state.files.keys()].map((f) => `${table}.parquet/${f}`).sort();
    const byManifest = listed.filter((path) => path.startsWith(`${table}.parquet/`));
    if (JSON.stringify(byLog) !== JSON.stringify(byManifest))
      throw new Error(`${table}: the Delta log's files differ from the manifest:\n${byLog.join('\n')}\nvs\n${byManifest.join('\n')}`);
    if (state.txnVersions.get(manifest.datasetId) !== latestRun) throw new Error(`${table}: the Delta log lacks run ${latestRun}`);
    latestVersions.push(state.version);
  }
  if (new Set(latestVersions).size !== 1) throw new Error(`the tables' Delta versions differ: ${latestVersions.join(', ')}`);
  if (manifest.pendingDeletes.length) throw new Error('pending deletes left');
  if (!options.runInProgress && existsSync(join(dataset, '_staging'))) throw new Error('_staging left behind');
}

/** No patient twice, and patient indexes 0..n-1 without gaps. */
export async function assertUniquePatients(db: DuckDBConnection, dataset: string, expected: number): Promise<void> {
  const total = await scalar(db, `SELECT count(*) FROM ${tableGlob(dataset, 'patient_demographics')}`);
  const distinct = await scalar(db, `SELECT count(DISTINCT patient_id) FROM ${tableGlob(dataset, 'patient_demographics')}`);
  const maxIndex = await scalar(db, `SELECT max(patient_index) FROM ${tableGlob(dataset, 'patient_demographics')}`);
  if (total !== expected || distinct !== expected || maxIndex !== expected - 1)
    throw new Error(`patients: ${total} rows, ${distinct} distinct, max index ${maxIndex}; expected ${expected}`);
}

/**
 * Watches table directories while a run is in flight: anything but a finished part file
 * (a temp file, a staging name) inside a table directory is recorded.
 */
export function watchTableDirectories(dataset: string): { stop(): string[] } {
  const violations = new Set<string>();
  const timer = setInterval(() => {
    for (const table of TABLES) {
      let files: string[];
      try {
        files = readdirSync(join(dataset, `${table}.parquet`));
      } catch {
        continue;
      }
      for (const f of files) if (!PART.test(f) && f !== DELTA_LOG) violations.add(`${table}.parquet/${f}`);
    }
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      return [...violations];
    },
  };
}
