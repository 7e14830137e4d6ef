import { F, FEATURE_NAMES, TARGETS } from '../domain/features.ts';
import { horizonColumns } from './horizons.ts';
import { labelWindows } from './labels.ts';

/** One patient's windows as columns (typed arrays), in timeseriesSchema order after patient_id. */
export interface WindowColumns {
  rows: number;
  /** Window end time, epoch ms. */
  timestampMs: BigInt64Array;
  /** W×14 feature columns, lag-major: index lag*14 + feature. */
  features: Float64Array[];
  /** The four next-minute targets. */
  targets: Float64Array[];
  /** The six adverse-event labels. */
  labels: Int32Array[];
  /** Glucose h minutes ahead, per ascending horizon. */
  horizonTargets: Float64Array[];
  /** Per ascending horizon: the hypo, then the hyper early-warning label. */
  horizonLabels: Int32Array[];
  /** Plasma glucose at t0 (--with-truth), else absent. */
  bloodGlucoseMgdl?: Float64Array;
}

/** A window table's columns in schema order after patient_id and timestamp. */
export function windowValueColumns(windows: WindowColumns): (Float64Array | Int32Array)[] {
  const truth = windows.bloodGlucoseMgdl ? [windows.bloodGlucoseMgdl] : [];
  return [...windows.features, ...windows.targets, ...windows.labels, ...windows.horizonTargets, ...windows.horizonLabels, ...truth];
}

/**
 * Cuts sliding windows (stride 1) from per-minute signals: a window ends at every visible minute m
 * with m >= W−1 and m+1 < visibleMinutes, feature_t{k} = signal[m−k], target = signal[m+1],
 * horizon target = glucose[m+h]. The signals may run past `visibleMinutes` (the forecasting tail):
 * only horizon targets and early-warning labels read those minutes. Each feature and next-minute
 * target column is a view of a contiguous slice of its signal (no copy, no per-row work); the
 * columns share the signals' memory, which nothing writes to once simulated. `bloodGlucoseMgdl`
 * (the truth, optional) gives the truth column, its value at t0 rounded to 0.01 mg/dL.
 */
export function cutWindows(
  signals: Float64Array[],
  visibleMinutes: number,
  windowSizeMinutes: number,
  horizonsMinutes: readonly number[],
  startEpochMs: number,
  bloodGlucoseMgdl?: Float64Array,
): WindowColumns {
  const rows = Math.max(0, visibleMinutes - windowSizeMinutes);
  const firstEnd = windowSizeMinutes - 1;
  const features: Float64Array[] = [];
  for (let lag = 0; lag < windowSizeMinutes; lag++) {
    for (let f = 0; f < FEATURE_NAMES.length; f++) features.push(signals[f]!.subarray(firstEnd - lag, firstEnd - lag + rows));
  }
  const targets = TARGETS.map((t) => signals[F[t.feature]]!.subarray(firstEnd + 1, firstEnd + 1 + rows));
  const horizons = horizonColumns(signals[F.glucose_mgdl]!, firstEnd, rows, horizonsMinutes);
  const timestampMs = minuteTimestamps(startEpochMs + firstEnd * 60_000, rows);
  const labels = labelWindows(signals, firstEnd, rows);
  const windows: WindowColumns = {
    rows,
    timestampMs,
    features,
    targets,
    labels,
    horizonTargets: horizons.targets,
    horizonLabels: horizons.labels,
  };
  if (bloodGlucoseMgdl) {
    const truth = bloodGlucoseMgdl.slice(firstEnd, firstEnd + rows);
    for (let row = 0; row < rows; row++) truth[row] = Math.round(truth[row]! * 100) / 100;
    windows.bloodGlucoseMgdl = truth;
  }
  return windows;
}

const TWO_TO_32 = 2 ** 32;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `rows` epoch-ms timestamps a minute apart from `firstMs`, written as 32-bit halves: one BigInt per
 * row would allocate a heap object per row (epoch ms stay below 2^53, so the halves are exact).
 */
export function minuteTimestamps(firstMs: number, rows: number): BigInt64Array {
  const timestamps = new BigInt64Array(rows);
  if (!littleEndian) {
    for (let row = 0; row < rows; row++) timestamps[row] = BigInt(firstMs + row * 60_000);
    return timestamps;
  }
  const words = new Uint32Array(timestamps.buffer);
  for (let row = 0; row < rows; row++) {
    const ms = firstMs + row * 60_000;
    words[2 * row] = ms % TWO_TO_32;
    words[2 * row + 1] = Math.floor(ms / TWO_TO_32);
  }
  return timestamps;
}
