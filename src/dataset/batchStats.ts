// Counts of a batch (and, added up, of a run): small values that travel through Temporal.
import { SPLITS } from '../domain/splits.ts';

/** Small counts only: rows never travel through Temporal. */
export interface BatchStats {
  patients: number;
  patientsPerSplit: { train: number; val: number; test: number };
  rows: { train: number; val: number; test: number };
  bytes: number;
  /** Positives per split, in timeseriesLabelNames order (the six labels, then early-warning ones). */
  labelCounts: { train: number[]; val: number[]; test: number[] };
}

/** Zero counts; `labels` label columns per split (0: the arrays grow as stats are added). */
export function emptyStats(labels = 0): BatchStats {
  return {
    patients: 0,
    patientsPerSplit: { train: 0, val: 0, test: 0 },
    rows: { train: 0, val: 0, test: 0 },
    bytes: 0,
    labelCounts: {
      train: new Array<number>(labels).fill(0),
      val: new Array<number>(labels).fill(0),
      test: new Array<number>(labels).fill(0),
    },
  };
}

/** Adds b into a (in place) and returns a. */
export function addStats(a: BatchStats, b: BatchStats): BatchStats {
  a.patients += b.patients;
  a.bytes += b.bytes;
  for (const split of SPLITS) {
    a.patientsPerSplit[split] += b.patientsPerSplit[split];
    a.rows[split] += b.rows[split];
    const into = a.labelCounts[split];
    b.labelCounts[split].forEach((count, i) => (into[i] = (into[i] ?? 0) + count));
  }
  return a;
}
