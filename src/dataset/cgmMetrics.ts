/**
 * Per-patient CGM metrics (international consensus, Battelino 2019). Inputs are one patient's
 * per-minute CGM values; NaN (no reading) minutes are left out: percentages, mean and CV are over
 * the readings there are, and a gap neither counts toward an episode's 15 minutes nor ends it.
 */
export interface CgmMetrics {
  timeInRangePct: number; // 70–180 mg/dL
  timeBelow70Pct: number;
  timeBelow54Pct: number;
  timeAbove180Pct: number;
  timeAbove250Pct: number;
  meanMgdl: number;
  cvPct: number;
  gmiPct: number;
  hypoEpisodesPerWeek: number;
  /** 99.9th percentile of |ΔCGM| per minute, mg/dL/min. */
  rateOfChangeP999: number;
  /** % of minutes with |ΔCGM| > 2 mg/dL/min. */
  rateAbove2Pct: number;
}

/** Episode: at least 15 consecutive minutes below 70, ended by 15 minutes at or above 70 (consensus definition). */
const EPISODE_MIN_MINUTES = 15;

/** The consensus thresholds: below 54, below 70, above 180, above 250 (in range: 70–180 inclusive), in one unit. */
export type RangeThresholds = readonly [below54: number, below70: number, above180: number, above250: number];
export const MGDL_THRESHOLDS: RangeThresholds = [54, 70, 180, 250];

export interface RangeCounts {
  readings: number;
  inRange: number;
  below70: number;
  below54: number;
  above180: number;
  above250: number;
  mean: number;
  /** Population SD of the readings. */
  sd: number;
}

/** Readings in each consensus range, and their mean and SD (NaN readings left out); thresholds in the values' unit. */
export function rangeCounts(glucose: ArrayLike<number>, [b54, b70, a180, a250]: RangeThresholds = MGDL_THRESHOLDS): RangeCounts {
  let n = 0,
    inRange = 0,
    below70 = 0,
    below54 = 0,
    above180 = 0,
    above250 = 0,
    sum = 0,
    sumSq = 0;
  for (let i = 0; i < glucose.length; i++) {
    const g = glucose[i]!;
    if (Number.isNaN(g)) continue;
    n++;
    if (g >= b70 && g <= a180) inRange++;
    if (g < b70) below70++;
    if (g < b54) below54++;
    if (g > a180) above180++;
    if (g > a250) above250++;
    sum += g;
    sumSq += g * g;
  }
  const mean = sum / n;
  return { readings: n, inRange, below70, below54, above180, above250, mean, sd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}

export function cgmMetrics(glucose: ArrayLike<number>): CgmMetrics {
  const minutes = glucose.length;
  const { readings: n, inRange, below70, below54, above180, above250, mean, sd } = rangeCounts(glucose);

  const episodes = hypoEpisodeStarts(glucose).length;

  // Minute-to-minute changes between consecutive readings only.
  const allDeltas = new Float64Array(Math.max(0, minutes - 1));
  let count = 0,
    above2 = 0;
  for (let i = 1; i < minutes; i++) {
    const delta = Math.abs(glucose[i]! - glucose[i - 1]!);
    if (Number.isNaN(delta)) continue;
    allDeltas[count++] = delta;
    if (delta > 2) above2++;
  }
  const deltas = allDeltas.subarray(0, count).sort();
  const pct = (count: number) => (100 * count) / n;
  return {
    timeInRangePct: pct(inRange),
    timeBelow70Pct: pct(below70),
    timeBelow54Pct: pct(below54),
    timeAbove180Pct: pct(above180),
    timeAbove250Pct: pct(above250),
    meanMgdl: mean,
    cvPct: (100 * sd) / mean,
    gmiPct: 3.31 + 0.02392 * mean, // Bergenstal 2018
    hypoEpisodesPerWeek: (episodes * 7 * 1440) / minutes,
    rateOfChangeP999: deltas.length ? deltas[Math.min(deltas.length - 1, Math.floor(0.999 * deltas.length))]! : 0,
    rateAbove2Pct: deltas.length ? (100 * above2) / deltas.length : 0,
  };
}

/**
 * Minutes at which level-1 hypoglycaemia episodes begin: at least 15 minutes of readings below 70,
 * ended by 15 minutes of readings at or above 70 (consensus definition). Minutes without a reading
 * (NaN) are skipped.
 */
export function hypoEpisodeStarts(glucose: ArrayLike<number>): number[] {
  const starts: number[] = [];
  let lowRun = 0,
    runStart = -1,
    highRun = EPISODE_MIN_MINUTES,
    inEpisode = false;
  for (let i = 0; i < glucose.length; i++) {
    const g = glucose[i]!;
    if (Number.isNaN(g)) continue;
    if (g < 70) {
      if (lowRun === 0) runStart = i;
      lowRun++;
      highRun = 0;
      if (!inEpisode && lowRun >= EPISODE_MIN_MINUTES) {
        inEpisode = true;
        starts.push(runStart);
      }
    } else {
      highRun++;
      lowRun = 0;
      if (highRun >= EPISODE_MIN_MINUTES) inEpisode = false;
    }
  }
  return starts;
}

/** Within ±20 mg/dL of the reference below 100 mg/dL, within ±20 % above (the %20/20 agreement). */
export const within2020 = (cgmMgdl: number, referenceMgdl: number) =>
  Math.abs(cgmMgdl - referenceMgdl) <= (referenceMgdl < 100 ? 20 : 0.2 * referenceMgdl);
