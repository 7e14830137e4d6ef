import { F, FEATURE_NAMES, TARGETS } from './features.ts';
import { labelWindows } from './labels.ts';

/** One patient's windows as columns (typed arrays), in timeseriesSchema order after patient_id. */
export interface WindowColumns {
  rows: number;
  /** Window end time, epoch ms. */
  timestampMs: BigInt64Array;
  /** W×14 feature columns, lag-major: index lag*14 + feature. */
  features: Float64Array[];
  targets: Float64Array[];
  labels: Int32Array[];
}

/**
 * Cuts sliding windows (stride 1) from per-minute signals: a window ends at every minute m with
 * m >= W−1 and m+1 < total, feature_t{k} = signal[m−k], target = signal[m+1]. Each feature column
 * is a copy of a contiguous slice of the signal, so no per-row work is needed.
 */
export function cutWindows(signals: Float64Array[], windowSizeMinutes: number, startEpochMs: number): WindowColumns {
  const totalMinutes = signals[0]!.length;
  const rows = Math.max(0, totalMinutes - windowSizeMinutes);
  const firstEnd = windowSizeMinutes - 1;
  const features: Float64Array[] = [];
  for (let lag = 0; lag < windowSizeMinutes; lag++) {
    for (let f = 0; f < FEATURE_NAMES.length; f++) features.push(signals[f]!.slice(firstEnd - lag, firstEnd - lag + rows));
  }
  const targets = TARGETS.map((t) => signals[F[t.feature]]!.slice(firstEnd + 1, firstEnd + 1 + rows));
  const timestampMs = new BigInt64Array(rows);
  for (let row = 0; row < rows; row++) timestampMs[row] = BigInt(startEpochMs + (firstEnd + row) * 60_000);
  const labels = labelWindows(signals, firstEnd, rows);
  return { rows, timestampMs, features, targets, labels };
}
