import type { Split } from '../dataset/splits.ts';

/** Dataset layout of SCHEMA.md. */
export const TABLES = ['patient_demographics', 'timeseries_features_train', 'timeseries_features_val', 'timeseries_features_test'] as const;
export type TableName = (typeof TABLES)[number];

export const MANIFEST_KEY = '_manifest.json';
export const SUCCESS_KEY = '_SUCCESS';
export const STAGING_PREFIX = '_staging';
export const LEASE_KEY = `${STAGING_PREFIX}/_lease.json`;
/** Created (if absent) by the one planner that takes over the lease of a closed run. */
export const takeoverKey = (staleRunId: string) => `${STAGING_PREFIX}/_takeover-${staleRunId}`;
export const DATASET_CARD_KEY = 'DATASET_CARD.md';
export const REPORT_KEY = 'report.html';
/** Written by `npm run evaluate`; the card and report show it as their Baselines section. */
export const EVALUATION_KEY = 'evaluation.json';
/** What `npm run fidelity` measured against real people (src/fidelity/). */
export const FIDELITY_KEY = 'fidelity.json';
/** Written by `npm run realism`. */
export const REALISM_REPORT_KEY = 'realism_report.json';

export const timeseriesTable = (split: Split): TableName => `timeseries_features_${split}`;

/** Rows of the three time-series tables, by split. */
export const rowsPerSplit = (rowsPerTable: Record<TableName, number>): Record<Split, number> => ({
  train: rowsPerTable[timeseriesTable('train')],
  val: rowsPerTable[timeseriesTable('val')],
  test: rowsPerTable[timeseriesTable('test')],
});
export const tableDirectory = (table: TableName): string => `${table}.parquet`;
/** A table's Delta Lake transaction log (one commit file per run). */
export const deltaLogPrefix = (table: TableName): string => `${tableDirectory(table)}/_delta_log`;

/**
 * part-<runSeq>-<batch>-<run id>.parquet. The whole run id (unique per run), never a prefix of it:
 * the first characters of a UUIDv7 are its time, shared by runs started in the same minute.
 */
export function partFileName(runSeq: number, batchIndex: number, runId: string): string {
  return `part-${String(runSeq).padStart(5, '0')}-${String(batchIndex).padStart(5, '0')}-${runId}.parquet`;
}

/** A zero-row part that makes an empty table directory exist and be readable (same schema). */
export function emptyPartFileName(runSeq: number, runId: string): string {
  return `part-${String(runSeq).padStart(5, '0')}-empty-${runId}.parquet`;
}

export const stagingRunPrefix = (runId: string) => `${STAGING_PREFIX}/${runId}`;
export const stagedPartKey = (runId: string, table: TableName, fileName: string) =>
  `${stagingRunPrefix(runId)}/${tableDirectory(table)}/${fileName}`;
export const finalPartKey = (table: TableName, fileName: string) => `${tableDirectory(table)}/${fileName}`;
export const batchResultKey = (runId: string, batchIndex: number) =>
  `${stagingRunPrefix(runId)}/batches/batch-${String(batchIndex).padStart(6, '0')}.json`;

/** The original tool's log name: ml_dataset_generation_YYYYMMDD_HHMMSS.log (UTC). */
export function runLogFileName(startedAt: Date): string {
  const iso = startedAt.toISOString();
  return `ml_dataset_generation_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}.log`;
}

/** Names a dataset root may hold; anything else means the directory is not (only) a dataset. */
export function isDatasetEntry(name: string): boolean {
  return (
    TABLES.some((t) => name === tableDirectory(t)) ||
    [
      MANIFEST_KEY,
      SUCCESS_KEY,
      STAGING_PREFIX,
      'DATASET_CARD.md',
      'report.html',
      REALISM_REPORT_KEY,
      EVALUATION_KEY,
      FIDELITY_KEY,
    ].includes(name) ||
    /^ml_dataset_generation_\d{8}_\d{6}\.log$/.test(name) ||
    /^_manifest\.json\..*\.tmp$/.test(name)
  );
}
