// Pure types shared by the workflow (import type only) and the activities.
import type { RunConfig } from '../config/config.ts';

export interface RunPlan {
  /** Dataset run id: the workflow's first execution run id (stable across continue-as-new). */
  runId: string;
  runSeq: number;
  workflowId: string;
  /** Normalised dataset location. */
  location: string;
  config: RunConfig;
  firstPatientIndex: number;
  batchCount: number;
  startedAt: string;
  logFileName: string;
}

export interface StagedFile {
  table: 'patient_demographics' | 'timeseries_features_train' | 'timeseries_features_val' | 'timeseries_features_test';
  fileName: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Small counts only: rows never travel through Temporal. */
export interface BatchStats {
  patients: number;
  patientsPerSplit: { train: number; val: number; test: number };
  rows: { train: number; val: number; test: number };
  bytes: number;
  /** Positives per split, in timeseriesLabelNames order (the six labels, then early-warning ones). */
  labelCounts: { train: number[]; val: number[]; test: number[] };
}

export interface BatchResult extends BatchStats {
  batchIndex: number;
  files: StagedFile[];
  /** Mergeable summary for the dataset card and report (staging only; never through Temporal). */
  summary?: import('./summaryStats.ts').SummaryStats;
}

/** Patient offsets [start, end) within the run covered by a batch. */
export function batchRange(plan: Pick<RunPlan, 'config'>, batchIndex: number): [number, number] {
  const start = batchIndex * plan.config.batchSize;
  return [start, Math.min(plan.config.numPatients, start + plan.config.batchSize)];
}

/** Zero counts; `labels` label columns per split (0: the arrays grow as stats are added). */
export function emptyStats(labels = 0): BatchStats {
  return {
    patients: 0,
    patientsPerSplit: { train: 0, val: 0, test: 0 },
    rows: { train: 0, val: 0, test: 0 },
    bytes: 0,
    labelCounts: { train: new Array<number>(labels).fill(0), val: new Array<number>(labels).fill(0), test: new Array<number>(labels).fill(0) },
  };
}

/** Adds b into a (in place) and returns a. */
export function addStats(a: BatchStats, b: BatchStats): BatchStats {
  a.patients += b.patients;
  a.bytes += b.bytes;
  for (const split of ['train', 'val', 'test'] as const) {
    a.patientsPerSplit[split] += b.patientsPerSplit[split];
    a.rows[split] += b.rows[split];
    const into = a.labelCounts[split];
    b.labelCounts[split].forEach((count, i) => (into[i] = (into[i] ?? 0) + count));
  }
  return a;
}
