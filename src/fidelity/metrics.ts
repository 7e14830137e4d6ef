// Per-segment figures, each by its published definition: time in ranges per the international
// consensus (Battelino et al., Diabetes Care 2019; thresholds in the set's own unit), mean and CV,
// GMI (Bergenstal et al., Diabetes Care 2018), LBGI/HBGI (Kovatchev et al. 2006), level-1 hypo
// episodes and their nocturnal share by the project's own rule (dataset/cgmMetrics.ts), and the
// dynamics: sd5, the SD of the change between consecutive observed 5-minute readings, and
// acf30/acf60, the Pearson correlation of observed readings 30 and 60 minutes apart.
import { MGDL_THRESHOLDS, rangeCounts, type RangeThresholds } from '../dataset/cgmMetrics.ts';
import type { GlucoseUnit } from '../real/types.ts';
import { hypoEpisodeStarts } from '../dataset/cgmMetrics.ts';
import { quantile } from '../realism/realismBands.ts';
import { SLOT_MINUTES, SLOTS_PER_DAY } from './grid.ts';
import { heldMinutes, type GridSeries } from './series.ts';

/** Consensus thresholds in each unit: [below54, below70, above180, above250]. */
export const THRESHOLDS: Record<GlucoseUnit, RangeThresholds> = {
  'mg/dL': MGDL_THRESHOLDS,
  'mmol/L': [3.0, 3.9, 10.0, 13.9],
};
/** Level-1 episodes starting 00:00–06:00 are nocturnal (consensus). */
const NIGHT_END_MINUTE = 360;

export const METRIC_NAMES = [
  'tir',
  'tbr70',
  'tbr54',
  'tar180',
  'tar250',
  'mean',
  'cv',
  'gmi',
  'lbgi',
  'hbgi',
  'sd5',
  'acf30',
  'acf60',
  'hypoPerWeek',
  'nocturnalHypoShare',
  'dailySteps',
  'hrMean',
  'hrP95',
  'hrRiseWithSteps',
  'mealsPerDay',
  'carbsPerDay',
  'bolusesPerDay',
  'tdd',
  'basalShare',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export type SegmentMetrics = Record<MetricName, number>;

export interface Segment {
  series: GridSeries;
  /** Slots [from, to) of the series. */
  from: number;
  to: number;
}

/** A segment counts when its readings reach 70 % of what the sensor's interval gives over its length. */
export const SEGMENT_COVERAGE = 0.7;

/**
 * Cuts a real record into consecutive segments of `slots` (a generated person's stay), from its
 * first midnight; keeps those with enough readings.
 */
export function cutSegments(series: GridSeries, slots: number): Segment[] {
  const segments: Segment[] = [];
  const expected = (slots * SLOT_MINUTES) / Math.max(SLOT_MINUTES, series.intervalMinutes);
  for (let from = 0; from + slots <= series.glucose.length; from += slots) {
    let readings = 0;
    for (let s = from; s < from + slots; s++) if (!Number.isNaN(series.glucose[s]!)) readings++;
    if (readings >= SEGMENT_COVERAGE * expected) segments.push({ series, from, to: from + slots });
  }
  return segments;
}

/** Kovatchev's symmetrised risk of a glucose value (mg/dL): negative below 112.5, positive above. */
export function bgRiskScale(mgdl: number): number {
  return 1.509 * (Math.log(mgdl) ** 1.084 - 5.381);
}

/** SD of the change between consecutive observed slots. */
export function sd5(slots: ArrayLike<number>): number {
  let n = 0,
    sum = 0,
    sumSq = 0;
  for (let i = 1; i < slots.length; i++) {
    const d = slots[i]! - slots[i - 1]!;
    if (Number.isNaN(d)) continue;
    n++;
    sum += d;
    sumSq += d * d;
  }
  if (n < 2) return Number.NaN;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
}

/** Pearson correlation of observed pairs `lag` slots apart. */
export function autocorrelation(slots: ArrayLike<number>, lag: number): number {
  let n = 0,
    sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (let i = lag; i < slots.length; i++) {
    const a = slots[i - lag]!,
      b = slots[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++;
    sa += a;
    sb += b;
    saa += a * a;
    sbb += b * b;
    sab += a * b;
  }
  if (n < 3) return Number.NaN;
  const cov = sab - (sa * sb) / n;
  const va = saa - (sa * sa) / n,
    vb = sbb - (sb * sb) / n;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Number.NaN;
}

const sum = (array: Float64Array | undefined, from: number, to: number) => {
  if (!array) return Number.NaN;
  let total = 0;
  for (let s = from; s < to; s++) total += array[s]!;
  return total;
};
const count = (array: Float64Array | undefined, from: number, to: number) => {
  if (!array) return Number.NaN;
  let n = 0;
  for (let s = from; s < to; s++) if (array[s]! > 0) n++;
  return n;
};

export function segmentMetrics({ series, from, to }: Segment): SegmentMetrics {
  const source = series.glucose.subarray(from, to);
  const mgdl = series.commonMgdl.subarray(from, to);
  // Ranges on the set's own values and unit; mean, CV and risk in mg/dL on the common grid.
  const { readings: n, inRange, below70, below54, above180, above250 } = rangeCounts(source, THRESHOLDS[series.unit]);
  const { mean, sd } = rangeCounts(mgdl);
  let lowRisk = 0,
    highRisk = 0;
  for (const m of mgdl) {
    if (Number.isNaN(m)) continue;
    const f = bgRiskScale(m);
    if (f < 0) lowRisk += 10 * f * f;
    else highRisk += 10 * f * f;
  }
  const days = ((to - from) * SLOT_MINUTES) / 1440;

  const minutes = heldMinutes(mgdl, series.intervalMinutes);
  const starts = hypoEpisodeStarts(minutes);
  const startMinuteOfDay = (minute: number) => (((series.startMs / 60_000 + from * SLOT_MINUTES + minute) % 1440) + 1440) % 1440;
  const nocturnal = starts.filter((m) => startMinuteOfDay(m) < NIGHT_END_MINUTE).length;

  // Wearables: daily steps over days whose step record is ≥ 70 % present; heart rate on its 5-minute samples.
  let dailySteps = Number.NaN;
  if (series.stepsPerMinute) {
    const perDay: number[] = [];
    for (let day = from; day + SLOTS_PER_DAY <= to; day += SLOTS_PER_DAY) {
      let present = 0,
        steps = 0;
      for (let s = day; s < day + SLOTS_PER_DAY; s++) {
        const rate = series.stepsPerMinute[s]!;
        if (Number.isNaN(rate)) continue;
        present++;
        steps += rate * SLOT_MINUTES;
      }
      if (present >= 0.7 * SLOTS_PER_DAY) perDay.push((steps * SLOTS_PER_DAY) / present);
    }
    if (perDay.length) dailySteps = perDay.reduce((a, b) => a + b, 0) / perDay.length;
  }
  const heart: number[] = [];
  const heartMoving: number[] = [];
  const heartStill: number[] = [];
  if (series.heartRateBpm) {
    for (let s = from; s < to; s++) {
      const bpm = series.heartRateBpm[s]!;
      if (Number.isNaN(bpm)) continue;
      heart.push(bpm);
      const rate = series.stepsPerMinute?.[s] ?? Number.NaN;
      if (rate >= MOVING_STEPS_PER_MINUTE) heartMoving.push(bpm);
      else if (rate === 0) heartStill.push(bpm);
    }
  }
  const mean_ = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
  const bolus = sum(series.bolusUnits, from, to);
  const basal = sum(series.basalUnits, from, to);
  const tdd = bolus + basal;
  return {
    tir: (100 * inRange) / n,
    tbr70: (100 * below70) / n,
    tbr54: (100 * below54) / n,
    tar180: (100 * above180) / n,
    tar250: (100 * above250) / n,
    mean,
    cv: (100 * sd) / mean,
    gmi: 3.31 + 0.02392 * mean,
    lbgi: lowRisk / n,
    hbgi: highRisk / n,
    sd5: series.dynamics ? sd5(mgdl) : Number.NaN,
    acf30: series.dynamics ? autocorrelation(mgdl, 30 / SLOT_MINUTES) : Number.NaN,
    acf60: series.dynamics ? autocorrelation(mgdl, 60 / SLOT_MINUTES) : Number.NaN,
    hypoPerWeek: (starts.length * 7) / days,
    nocturnalHypoShare: starts.length ? nocturnal / starts.length : Number.NaN,
    dailySteps,
    hrMean: mean_(heart),
    hrP95: quantile(heart, 0.95),
    hrRiseWithSteps: heartMoving.length >= 3 && heartStill.length >= 3 ? mean_(heartMoving) - mean_(heartStill) : Number.NaN,
    mealsPerDay: count(series.carbsGrams, from, to) / days,
    carbsPerDay: sum(series.carbsGrams, from, to) / days,
    bolusesPerDay: count(series.bolusUnits, from, to) / days,
    tdd: tdd / days,
    basalShare: tdd > 0 ? basal / tdd : Number.NaN,
  };
}

/** Walking pace starts near 60 steps/min; 20 steps/min over 5 minutes is someone on the move. */
const MOVING_STEPS_PER_MINUTE = 20;

/** Median heart rate per hour of the day over the segments' 5-minute samples (24 values, NaN where none). */
export function heartRateByHour(segments: Segment[]): number[] {
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  for (const { series, from, to } of segments) {
    if (!series.heartRateBpm) continue;
    for (let s = from; s < to; s++) {
      const bpm = series.heartRateBpm[s]!;
      if (Number.isNaN(bpm)) continue;
      const minuteOfDay = (((series.startMs / 60_000 + s * SLOT_MINUTES) % 1440) + 1440) % 1440;
      byHour[Math.floor(minuteOfDay / 60)]!.push(bpm);
    }
  }
  return byHour.map((values) => quantile(values, 0.5));
}
