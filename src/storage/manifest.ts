import type { RunConfig } from '../config/config.ts';
import type { Split } from '../dataset/splits.ts';
import type { SummaryStats } from '../dataset/summaryStats.ts';
import { MANIFEST_KEY, type TableName } from './layout.ts';
import { getText, type ObjectStore } from './objectStore.ts';

/** Positive windows per label column (the six labels, then any early-warning labels). */
export type LabelCounts = Record<string, number>;

/** Smallest and largest value of some columns in a file (strings; timestamps as ISO-8601 UTC), for Delta's data skipping. */
export interface ColumnBounds {
  min: Record<string, string>;
  max: Record<string, string>;
}

export interface ManifestFile {
  table: TableName;
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
  runId: string;
  /** patient_id (and timestamp) bounds; absent in files written before the Delta logs. */
  bounds?: ColumnBounds;
}

export interface ManifestRun {
  runId: string;
  runSeq: number;
  workflowId: string;
  config: RunConfig;
  firstPatientIndex: number;
  numPatients: number;
  patientsPerSplit: Record<Split, number>;
  rowsPerTable: Record<TableName, number>;
  labelCounts: Record<Split, LabelCounts>;
  startedAt: string;
  finishedAt: string;
  generatorVersion: string;
  /** Histograms and correlation sums of this run (dataset card and report). */
  summary?: SummaryStats;
}

export interface Manifest {
  schemaVersion: number;
  datasetId: string;
  generator: string;
  createdAt: string;
  updatedAt: string;
  /** Patient index the next append run starts at. */
  nextPatientIndex: number;
  runs: ManifestRun[];
  files: ManifestFile[];
  totals: Record<TableName, { files: number; rows: number; bytes: number }>;
  labelCounts: Record<Split, LabelCounts>;
  /** Files of replaced runs still to delete (overwrite mode); empty once the commit finished. */
  pendingDeletes: string[];
}

export async function readManifest(store: ObjectStore): Promise<Manifest | undefined> {
  const text = await getText(store, MANIFEST_KEY);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Manifest;
  } catch {
    throw new Error(`${store.location}/${MANIFEST_KEY} is not valid JSON; refusing to touch this dataset`);
  }
}

export async function writeManifest(store: ObjectStore, manifest: Manifest): Promise<void> {
  await store.put(MANIFEST_KEY, JSON.stringify(manifest, null, 2) + '\n');
}
