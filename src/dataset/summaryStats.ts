// Mergeable summary statistics of a dataset, kept in the manifest so that the dataset card and
// the visual report can be rewritten at every commit without reading the rows back.
import { within2020, type CgmMetrics } from './cgmMetrics.ts';
import { SensorState } from '../domain/cgm.ts';
import type { AgeGroup, Therapy } from '../domain/cohort.ts';
import { FEATURE_NAMES } from '../domain/features.ts';

export const GLUCOSE_BIN_MGDL = 10; // 40–400 mg/dL in 10 mg/dL bins; the last holds 400 and above (a Libre 3 reads up to 500)
export const GLUCOSE_BINS = 37;
export const PERCENT_BINS = 20; // 0–100 % in 5 % bins
export const MEAN_GLUCOSE_BINS = 30; // 60–360 mg/dL in 10 mg/dL bins
export const AGE_BINS = 16; // 5–85 years in 5-year bins (schema ≥ 3; 15–85 before)
export const AGE_LO = 5;
export const BMI_BINS = 18; // 12–48 kg/m² in 2-unit bins (schema ≥ 3; 16–48 before)
export const BMI_LO = 12;

export interface SummaryStats {
  patients: number;
  minutes: number;
  glucoseHistogram: number[];
  timeInRangeHistogram: number[];
  timeBelow70Histogram: number[];
  cvHistogram: number[];
  meanGlucoseHistogram: number[];
  ageHistogram: number[];
  bmiHistogram: number[];
  genderCounts: { M: number; F: number };
  /** Per therapy × age group ("aid child"): patients and their time-in-range histogram (schema ≥ 3). */
  cohortCells?: Record<string, { patients: number; timeInRangeHistogram: number[] }>;
  /**
   * The CGM against the simulated plasma glucose, by day of wear (index 0 = day 1), over the minutes
   * with a reading; and minutes without one (schema ≥ 4).
   */
  sensorAccuracy?: SensorAccuracy;
  /** Sums for the correlation matrix of the 14 signals (per minute). */
  signalSums: number[];
  signalCrossSums: number[]; // row-major 14×14
}

/** The CGM against the truth by day of wear (index 0 = day 1), over minutes with a reading. */
export interface SensorAccuracy {
  readings: number[];
  absRelativeError: number[];
  within2020: number[];
  minutesWithoutReading: number;
}

/** No readings yet; `days` pre-sizes the day arrays (they grow as later days appear). */
export function emptySensorAccuracy(days = 0): SensorAccuracy {
  return {
    readings: new Array(days).fill(0),
    absRelativeError: new Array(days).fill(0),
    within2020: new Array(days).fill(0),
    minutesWithoutReading: 0,
  };
}

export function emptySummary(): SummaryStats {
  const n = FEATURE_NAMES.length;
  return {
    patients: 0,
    minutes: 0,
    glucoseHistogram: new Array(GLUCOSE_BINS).fill(0),
    timeInRangeHistogram: new Array(PERCENT_BINS).fill(0),
    timeBelow70Histogram: new Array(PERCENT_BINS).fill(0),
    cvHistogram: new Array(PERCENT_BINS).fill(0),
    meanGlucoseHistogram: new Array(MEAN_GLUCOSE_BINS).fill(0),
    ageHistogram: new Array(AGE_BINS).fill(0),
    bmiHistogram: new Array(BMI_BINS).fill(0),
    genderCounts: { M: 0, F: 0 },
    cohortCells: {},
    sensorAccuracy: emptySensorAccuracy(),
    signalSums: new Array(n).fill(0),
    signalCrossSums: new Array(n * n).fill(0),
  };
}

const bin = (value: number, lo: number, width: number, bins: number) => Math.min(bins - 1, Math.max(0, Math.floor((value - lo) / width)));

/** Adds one patient (its per-minute signals and CGM metrics) to the summary, in place. */
/** The key of a therapy × age group cell in `cohortCells`. */
export const cohortCellKey = (therapy: Therapy, ageGroup: AgeGroup) => `${therapy} ${ageGroup}`;

export function addPatientToSummary(
  summary: SummaryStats,
  signals: Float64Array[],
  metrics: CgmMetrics,
  patient: { age: number; bmi: number; gender: 'M' | 'F'; therapyKind: Therapy; ageGroup: AgeGroup },
): void {
  const minutes = signals[0]!.length;
  const n = signals.length;
  summary.patients++;
  summary.minutes += minutes;
  const glucose = signals[0]!;
  for (let m = 0; m < minutes; m++) {
    if (!Number.isNaN(glucose[m]!)) summary.glucoseHistogram[bin(glucose[m]!, 40, GLUCOSE_BIN_MGDL, GLUCOSE_BINS)]!++;
  }
  summary.timeInRangeHistogram[bin(metrics.timeInRangePct, 0, 5, PERCENT_BINS)]!++;
  summary.timeBelow70Histogram[bin(metrics.timeBelow70Pct, 0, 5, PERCENT_BINS)]!++;
  summary.cvHistogram[bin(metrics.cvPct, 0, 5, PERCENT_BINS)]!++;
  summary.meanGlucoseHistogram[bin(metrics.meanMgdl, 60, 10, MEAN_GLUCOSE_BINS)]!++;
  summary.ageHistogram[bin(patient.age, AGE_LO, 5, AGE_BINS)]!++;
  summary.bmiHistogram[bin(patient.bmi, BMI_LO, 2, BMI_BINS)]!++;
  summary.genderCounts[patient.gender]++;
  const cells = (summary.cohortCells ??= {});
  const cell = (cells[cohortCellKey(patient.therapyKind, patient.ageGroup)] ??= {
    patients: 0,
    timeInRangeHistogram: new Array(PERCENT_BINS).fill(0),
  });
  cell.patients++;
  cell.timeInRangeHistogram[bin(metrics.timeInRangePct, 0, 5, PERCENT_BINS)]!++;
  for (let i = 0; i < n; i++) {
    const a = signals[i]!;
    let sum = 0;
    for (let m = 0; m < minutes; m++) sum += a[m]!;
    summary.signalSums[i]! += sum;
    // Four partners per pass over `a` (a quarter of its reads); each product still adds up minute by
    // minute in its own accumulator, so every sum is the same number as one pair at a time.
    let j = i;
    for (; j + 3 < n; j += 4) {
      const b0 = signals[j]!,
        b1 = signals[j + 1]!,
        b2 = signals[j + 2]!,
        b3 = signals[j + 3]!;
      let cross0 = 0,
        cross1 = 0,
        cross2 = 0,
        cross3 = 0;
      for (let m = 0; m < minutes; m++) {
        const value = a[m]!;
        cross0 += value * b0[m]!;
        cross1 += value * b1[m]!;
        cross2 += value * b2[m]!;
        cross3 += value * b3[m]!;
      }
      addCrossSum(summary, n, i, j, cross0);
      addCrossSum(summary, n, i, j + 1, cross1);
      addCrossSum(summary, n, i, j + 2, cross2);
      addCrossSum(summary, n, i, j + 3, cross3);
    }
    for (; j < n; j++) {
      const b = signals[j]!;
      let cross = 0;
      for (let m = 0; m < minutes; m++) cross += a[m]! * b[m]!;
      addCrossSum(summary, n, i, j, cross);
    }
  }
}

/** Adds Σ aᵢ·aⱼ to both halves of the symmetric cross-sum matrix. */
function addCrossSum(summary: SummaryStats, n: number, i: number, j: number, cross: number): void {
  summary.signalCrossSums[i * n + j]! += cross;
  if (j !== i) summary.signalCrossSums[j * n + i]! += cross;
}

/**
 * Adds one patient's CGM accuracy: `cgmMgdl` the recorded series, `truthMgdl` plasma glucose,
 * `sensorState` and `dayOfWear` the sensor's record, over the first `minutes` minutes.
 */
export function addSensorAccuracy(
  accuracy: SensorAccuracy,
  cgmMgdl: Float64Array,
  truthMgdl: Float64Array,
  sensorState: Uint8Array,
  dayOfWear: Float32Array,
  minutes: number,
): void {
  for (let m = 0; m < minutes; m++) {
    if (sensorState[m] !== SensorState.Reading) {
      accuracy.minutesWithoutReading++;
      continue;
    }
    const day = Math.floor(dayOfWear[m]!);
    while (accuracy.readings.length <= day) {
      accuracy.readings.push(0);
      accuracy.absRelativeError.push(0);
      accuracy.within2020.push(0);
    }
    accuracy.readings[day]!++;
    accuracy.absRelativeError[day]! += Math.abs(cgmMgdl[m]! - truthMgdl[m]!) / truthMgdl[m]!;
    if (within2020(cgmMgdl[m]!, truthMgdl[m]!)) accuracy.within2020[day]!++;
  }
}

export function mergeSummaries(a: SummaryStats, b: SummaryStats): SummaryStats {
  const add = (x: number[], y: number[]) => x.map((v, i) => v + (y[i] ?? 0));
  const addLonger = (x: number[], y: number[]) => Array.from({ length: Math.max(x.length, y.length) }, (_, i) => (x[i] ?? 0) + (y[i] ?? 0));
  return {
    patients: a.patients + b.patients,
    minutes: a.minutes + b.minutes,
    glucoseHistogram: add(a.glucoseHistogram, b.glucoseHistogram),
    timeInRangeHistogram: add(a.timeInRangeHistogram, b.timeInRangeHistogram),
    timeBelow70Histogram: add(a.timeBelow70Histogram, b.timeBelow70Histogram),
    cvHistogram: add(a.cvHistogram, b.cvHistogram),
    meanGlucoseHistogram: add(a.meanGlucoseHistogram, b.meanGlucoseHistogram),
    ageHistogram: add(a.ageHistogram, b.ageHistogram),
    bmiHistogram: add(a.bmiHistogram, b.bmiHistogram),
    genderCounts: { M: a.genderCounts.M + b.genderCounts.M, F: a.genderCounts.F + b.genderCounts.F },
    cohortCells: mergeCells(a.cohortCells ?? {}, b.cohortCells ?? {}),
    ...((a.sensorAccuracy || b.sensorAccuracy) && {
      sensorAccuracy: {
        readings: addLonger(a.sensorAccuracy?.readings ?? [], b.sensorAccuracy?.readings ?? []),
        absRelativeError: addLonger(a.sensorAccuracy?.absRelativeError ?? [], b.sensorAccuracy?.absRelativeError ?? []),
        within2020: addLonger(a.sensorAccuracy?.within2020 ?? [], b.sensorAccuracy?.within2020 ?? []),
        minutesWithoutReading: (a.sensorAccuracy?.minutesWithoutReading ?? 0) + (b.sensorAccuracy?.minutesWithoutReading ?? 0),
      },
    }),
    signalSums: add(a.signalSums, b.signalSums),
    signalCrossSums: add(a.signalCrossSums, b.signalCrossSums),
  };
}

function mergeCells(
  a: NonNullable<SummaryStats['cohortCells']>,
  b: NonNullable<SummaryStats['cohortCells']>,
): NonNullable<SummaryStats['cohortCells']> {
  const merged: NonNullable<SummaryStats['cohortCells']> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key];
    const y = b[key];
    merged[key] = {
      patients: (x?.patients ?? 0) + (y?.patients ?? 0),
      timeInRangeHistogram: Array.from(
        { length: PERCENT_BINS },
        (_, i) => (x?.timeInRangeHistogram[i] ?? 0) + (y?.timeInRangeHistogram[i] ?? 0),
      ),
    };
  }
  return merged;
}

/** Pearson correlation matrix of the 14 signals from the sums. */
export function correlationMatrix(summary: SummaryStats): number[][] {
  const n = summary.signalSums.length;
  const count = summary.minutes;
  const mean = summary.signalSums.map((s) => s / count);
  const cov = (i: number, j: number) => summary.signalCrossSums[i * n + j]! / count - mean[i]! * mean[j]!;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      const denominator = Math.sqrt(cov(i, i) * cov(j, j));
      return denominator > 0 ? Math.max(-1, Math.min(1, cov(i, j) / denominator)) : i === j ? 1 : 0;
    }),
  );
}

/** Approximate quantile from a histogram (bin midpoints). */
export function histogramQuantile(histogram: number[], lo: number, width: number, q: number): number {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return NaN;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= q * total) return lo + (i + 0.5) * width;
  }
  return lo + (histogram.length - 0.5) * width;
}
