// Pure types shared by the workflow (import type only) and the activities.
import type { RunConfig } from '../config/config.ts';
import type { BatchStats } from '../dataset/batchStats.ts';
import type { SummaryStats } from '../dataset/summaryStats.ts';
import type { TableName } from '../storage/layout.ts';
import type { ColumnBounds } from '../storage/manifest.ts';

export interface RunPlan {
  /** Dataset run id: the workflow's first execution run id (stable across continue-as-new). */
  runId: string;
  runSeq: number;
  workflowId: string;
  /** Normalised dataset location. */
  location: string;
  config: RunConfig;
  firstPatientIndex: number;
  /** Patients of this run per split [train, val, test], chosen so the whole dataset keeps its fractions. */
  splitCounts: [number, number, number];
  batchCount: number;
  startedAt: string;
  logFileName: string;
}

export interface StagedFile {
  table: TableName;
  fileName: string;
  rows: number;
  bytes: number;
  sha256: string;
  bounds?: ColumnBounds;
}

export interface BatchResult extends BatchStats {
  batchIndex: number;
  files: StagedFile[];
  /** Mergeable summary for the dataset card and report (staging only; never through Temporal). */
  summary?: SummaryStats;
}

/** Patient offsets [start, end) within the run covered by a batch. */
export function batchRange(plan: Pick<RunPlan, 'config'>, batchIndex: number): [number, number] {
  const start = batchIndex * plan.config.batchSize;
  return [start, Math.min(plan.config.numPatients, start + plan.config.batchSize)];
}
