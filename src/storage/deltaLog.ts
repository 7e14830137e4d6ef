// Delta Lake transaction log entries for the dataset's tables, as pure functions: the state a log
// describes (replayed from its commit files) and the next commit file that brings it in line with
// the manifest. Protocol: github.com/delta-io/delta PROTOCOL.md (reader version 1, writer version 2,
// no table features, no checkpoints). I/O lives in src/pipeline/deltaCommit.ts.
import { createHash } from 'node:crypto';
import { DataType, type Field, type Schema } from 'apache-arrow';
import type { ColumnBounds } from './manifest.ts';

/** The lowest protocol that describes these tables: plain Parquet files, no column mapping, no deletion vectors. */
export const DELTA_PROTOCOL = { minReaderVersion: 1, minWriterVersion: 2 } as const;

/** What a replayed log says about a table. */
export interface DeltaTableState {
  /** Latest version (−1: no commit yet). */
  version: number;
  /** Live files (path relative to the table directory → size in bytes). */
  files: Map<string, number>;
  /** Latest `txn` version per application id. */
  txnVersions: Map<string, number>;
  schemaString: string | undefined;
  tableId: string | undefined;
}

export const emptyDeltaState = (): DeltaTableState => ({
  version: -1,
  files: new Map(),
  txnVersions: new Map(),
  schemaString: undefined,
  tableId: undefined,
});

/** Applies the next commit file to `state` (in place): its adds, removes, txn and metaData; other actions change nothing here. */
export function applyDeltaCommit(state: DeltaTableState, text: string): void {
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const action = JSON.parse(line) as Record<string, Record<string, unknown>>;
    if (action.add) state.files.set(String(action.add.path), Number(action.add.size));
    else if (action.remove) state.files.delete(String(action.remove.path));
    else if (action.txn) state.txnVersions.set(String(action.txn.appId), Number(action.txn.version));
    else if (action.metaData) {
      state.schemaString = String(action.metaData.schemaString);
      state.tableId = String(action.metaData.id);
    }
  }
  state.version++;
}

/** The state after commit files 0 … n−1 (`commits[i]` is version i). */
export function replayDeltaLog(commits: readonly string[]): DeltaTableState {
  const state = emptyDeltaState();
  for (const text of commits) applyDeltaCommit(state, text);
  return state;
}

/** Spark's name for the Arrow column types the tables use, as Delta's schemaString spells it. */
function sparkType(field: Field): string {
  const { type } = field;
  if (DataType.isUtf8(type)) return 'string';
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isFloat(type) && type.precision === 2) return 'double';
  if (DataType.isInt(type) && type.bitWidth === 32) return 'integer';
  throw new Error(`column ${field.name}: no Delta type for Arrow type ${String(type)}`);
}

/** The table's schema as Delta's `metaData.schemaString` (Spark's StructType JSON). */
export function sparkSchemaString(schema: Schema): string {
  return JSON.stringify({
    type: 'struct',
    fields: schema.fields.map((field) => ({ name: field.name, type: sparkType(field), nullable: field.nullable, metadata: {} })),
  });
}

/** A stable table id (UUID form) from the dataset id and table name, so every retry writes the same one. */
export function deltaTableId(datasetId: string, table: string): string {
  const hex = createHash('sha256').update(`${datasetId}/${table}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface DeltaFile {
  /** Relative to the table directory. */
  path: string;
  size: number;
  rows: number;
  bounds?: ColumnBounds;
}

/** An add's `stats`: the row count, and where known the bounds of a few columns (never null in our tables). */
function fileStats(file: DeltaFile): string {
  if (!file.bounds) return JSON.stringify({ numRecords: file.rows });
  const nullCount = Object.fromEntries(Object.keys(file.bounds.min).map((column) => [column, 0]));
  return JSON.stringify({ numRecords: file.rows, minValues: file.bounds.min, maxValues: file.bounds.max, nullCount });
}

export interface DeltaCommitInput {
  state: DeltaTableState;
  /** The files the table holds once this commit is read (the manifest's list for the table). */
  liveFiles: readonly DeltaFile[];
  schemaString: string;
  tableId: string;
  /** `txn` application id (the dataset id) and version (the run number). */
  appId: string;
  runSeq: number;
  timestampMs: number;
  engineInfo: string;
}

/**
 * The next commit file (newline-delimited JSON): protocol and metaData on the first version or a
 * schema change, an `add` per file the log lacks, a `remove` per file the table no longer holds, the
 * run's `txn`, and `commitInfo`. A table the run did not touch still gets a version (txn and
 * commitInfo only), so one version number names the same runs in every table.
 */
export function deltaCommitText(input: DeltaCommitInput): string {
  const { state, timestampMs } = input;
  const live = new Set(input.liveFiles.map((f) => f.path));
  const added = input.liveFiles.filter((f) => !state.files.has(f.path));
  const removed = [...state.files].filter(([path]) => !live.has(path));
  const actions: object[] = [];
  if (state.version < 0) actions.push({ protocol: DELTA_PROTOCOL });
  if (state.schemaString !== input.schemaString || state.tableId !== input.tableId) {
    actions.push({
      metaData: {
        id: input.tableId,
        format: { provider: 'parquet', options: {} },
        schemaString: input.schemaString,
        partitionColumns: [],
        configuration: {},
        createdTime: timestampMs,
      },
    });
  }
  for (const [path, size] of removed) {
    actions.push({
      remove: { path, deletionTimestamp: timestampMs, dataChange: true, extendedFileMetadata: true, partitionValues: {}, size },
    });
  }
  for (const file of added) {
    actions.push({
      add: {
        path: file.path,
        partitionValues: {},
        size: file.size,
        modificationTime: timestampMs,
        dataChange: true,
        stats: fileStats(file),
      },
    });
  }
  actions.push({ txn: { appId: input.appId, version: input.runSeq, lastUpdated: timestampMs } });
  actions.push({
    commitInfo: {
      timestamp: timestampMs,
      operation: 'WRITE',
      operationParameters: { mode: removed.length > 0 ? 'Overwrite' : 'Append', partitionBy: '[]' },
      isBlindAppend: removed.length === 0,
      engineInfo: input.engineInfo,
      operationMetrics: { numFiles: String(added.length), numOutputRows: String(added.reduce((s, f) => s + f.rows, 0)) },
    },
  });
  return actions.map((action) => JSON.stringify(action)).join('\n') + '\n';
}

/** `_delta_log/00000000000000000007.json` → 7; anything else (checkpoints, temp files) → undefined. */
export function commitVersionOf(fileName: string): number | undefined {
  const match = /^(\d{20})\.json$/.exec(fileName);
  return match ? Number(match[1]) : undefined;
}

/** The commit versions among a log directory's file names, in order, and the first one missing below the latest (a broken log). */
export function logVersions(fileNames: readonly string[]): { versions: number[]; missing: number | undefined } {
  const versions = fileNames
    .map(commitVersionOf)
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => a - b);
  const missing = versions.findIndex((version, index) => version !== index);
  return { versions, missing: missing < 0 ? undefined : missing };
}

export const commitFileName = (version: number): string => `${String(version).padStart(20, '0')}.json`;
