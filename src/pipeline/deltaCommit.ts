// Rolls each table's Delta Lake log forward to the committed manifest: one commit file per table
// per run, written only if absent, so a retried or resumed commit never commits twice.
import {
  commitFileName,
  deltaCommitText,
  deltaTableId,
  logVersions,
  replayDeltaLog,
  sparkSchemaString,
  type DeltaTableState,
} from '../storage/deltaLog.ts';
import { deltaLogPrefix, tableDirectory, TABLES, type TableName } from '../storage/layout.ts';
import type { Manifest } from '../storage/manifest.ts';
import { getText, type ObjectStore } from '../storage/objectStore.ts';
import { mapBounded } from '../util/mapBounded.ts';
import { GENERATOR } from '../version.ts';
import { PermanentRunError } from './errors.ts';
import { tableSchema } from './tableSchema.ts';

const LOG_READ_PARALLEL_REQUESTS = 16;

/** Reads and replays a table's log (every commit file; the generator writes no checkpoints). */
export async function readDeltaState(store: ObjectStore, table: TableName): Promise<DeltaTableState> {
  const prefix = deltaLogPrefix(table);
  const keys = await store.list(prefix);
  if (keys.some((key) => key.endsWith('_last_checkpoint'))) {
    throw new PermanentRunError(
      `${store.location}/${prefix} has a checkpoint: another Delta writer changed this table; the generator only appends to logs it wrote`,
    );
  }
  const { versions, missing } = logVersions(keys.map((key) => key.slice(prefix.length + 1)));
  if (missing !== undefined) throw new PermanentRunError(`${store.location}/${prefix} lacks version ${missing}; the log is broken`);
  const commits = await mapBounded(versions.length, LOG_READ_PARALLEL_REQUESTS, async (version) => {
    const text = await getText(store, `${prefix}/${commitFileName(version)}`);
    if (text === undefined) throw new Error(`${prefix}/${commitFileName(version)} vanished while reading the log`);
    return text;
  });
  return replayDeltaLog(commits);
}

/**
 * Brings every table's log in line with the manifest's latest run: a table whose log already has
 * that run's `txn` is left alone; otherwise the next version adds the files the log lacks and
 * removes those the manifest no longer lists (an overwrite). A dataset written before the logs
 * existed gets them at once: its version 0 holds every run so far — unless `onlyIfLogged`, which
 * leaves a dataset with no log at all as it is (a commit catching up on an earlier run's entries
 * before its own).
 */
export async function rollDeltaLogsForward(
  store: ObjectStore,
  manifest: Manifest,
  onTableDone: (done: number, total: number) => void = () => {},
  options: { onlyIfLogged?: boolean } = {},
): Promise<void> {
  const latest = manifest.runs.reduce((a, b) => (b.runSeq > a.runSeq ? b : a));
  const states = await Promise.all(TABLES.map((table) => readDeltaState(store, table)));
  if (options.onlyIfLogged && states.every((state) => state.version < 0)) return;
  for (const [index, table] of TABLES.entries()) {
    const schemaString = sparkSchemaString(tableSchema(table, latest.config));
    const tableId = deltaTableId(manifest.datasetId, table);
    const directory = `${tableDirectory(table)}/`;
    const liveFiles = manifest.files
      .filter((f) => f.table === table)
      .map((f) => ({ path: f.path.slice(directory.length), size: f.bytes, rows: f.rows, bounds: f.bounds }));
    // Another writer cannot hold the dataset (the lease), so losing the race for a version means an
    // earlier attempt of this commit wrote it: read again and stop once the run's txn is there.
    for (let attempt = 0; ; attempt++) {
      const state = attempt === 0 ? states[index]! : await readDeltaState(store, table);
      if ((state.txnVersions.get(manifest.datasetId) ?? 0) >= latest.runSeq) break;
      if (attempt === 3) throw new Error(`${tableDirectory(table)}: could not write version ${state.version + 1} of its Delta log`);
      const text = deltaCommitText({
        state,
        liveFiles,
        schemaString,
        tableId,
        appId: manifest.datasetId,
        runSeq: latest.runSeq,
        timestampMs: Date.parse(latest.finishedAt),
        engineInfo: GENERATOR,
      });
      if (await store.putIfAbsent(`${deltaLogPrefix(table)}/${commitFileName(state.version + 1)}`, text)) break;
    }
    onTableDone(index + 1, TABLES.length);
  }
}
