/**
 * Per-patient CGM metrics (international consensus, Battelino 2019). Inputs are one patient's
 * per-minute CGM values.
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

export function cgmMetrics(glucose: ArrayLike<number>): CgmMetrics {
  const n = glucose.length;
  let inRange = 0,
    below70 = 0,
    below54 = 0,
    above180 = 0,
    above250 = 0,
    sum = 0,
    sumSq = 0;
  for (let i = 0; i < n; i++) {
    const g = glucose[i]!;
    if (g >= 70 && g <= 180) inRange++;
    if (g < 70) below70++;
    if (g < 54) below54++;
    if (g > 180) above180++;
    if (g > 250) above250++;
    sum += g;
    sumSq += g * g;
  }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));

  let episodes = 0,
    lowRun = 0,
    highRun = EPISODE_MIN_MINUTES,
    inEpisode = false;
  for (let i = 0; i < n; i++) {
    if (glucose[i]! < 70) {
      lowRun++;
      highRun = 0;
      if (!inEpisode && lowRun >= EPISODE_MIN_MINUTES) {
        inEpisode = true;
        episodes++;
      }
    } else {
      highRun++;
      lowRun = 0;
      if (highRun >= EPISODE_MIN_MINUTES) inEpisode = false;
    }
  }

  const deltas = new Float64Array(Math.max(0, n - 1));
  let above2 = 0;
  for (let i = 1; i < n; i++) {
    deltas[i - 1] = Math.abs(glucose[i]! - glucose[i - 1]!);
    if (deltas[i - 1]! > 2) above2++;
  }
  deltas.sort();
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
    hypoEpisodesPerWeek: (episodes * 7 * 1440) / n,
    rateOfChangeP999: deltas.length ? deltas[Math.min(deltas.length - 1, Math.floor(0.999 * deltas.length))]! : 0,
    rateAbove2Pct: deltas.length ? (100 * above2) / deltas.length : 0,
  };
}
