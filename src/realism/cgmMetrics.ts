/**
 * Per-patient CGM metrics (international consensus, Battelino 2019) and realism bands from
 * PHYSIOLOGY.md. Inputs are one patient's per-minute CGM values.
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
  let inRange = 0, below70 = 0, below54 = 0, above180 = 0, above250 = 0, sum = 0, sumSq = 0;
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

  let episodes = 0, lowRun = 0, highRun = EPISODE_MIN_MINUTES, inEpisode = false;
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

export interface Band {
  metric: keyof CgmMetrics;
  label: string;
  /** Which statistic of the cohort is held to the band. */
  statistic: 'median';
  min: number;
  max: number;
  source: string;
}

/** PHYSIOLOGY.md realism targets, each held by the cohort median of the per-patient metric (the table's heading). */
export const REALISM_BANDS: Band[] = [
  { metric: 'timeInRangePct', label: 'time in range 70–180 (%)', statistic: 'median', min: 50, max: 70, source: 'Steno 2023; DPV' },
  { metric: 'timeBelow70Pct', label: 'time below 70 (%)', statistic: 'median', min: 2, max: 7, source: 'DPV; 670G real world' },
  { metric: 'timeBelow54Pct', label: 'time below 54 (%)', statistic: 'median', min: 0.5, max: 2, source: 'registry' },
  { metric: 'timeAbove180Pct', label: 'time above 180 (%)', statistic: 'median', min: 25, max: 45, source: 'DPV; 670G' },
  { metric: 'cvPct', label: 'coefficient of variation (%)', statistic: 'median', min: 30, max: 40, source: 'T1D 36–38%' },
  { metric: 'meanMgdl', label: 'mean glucose (mg/dL)', statistic: 'median', min: 150, max: 180, source: 'Bergenstal 2018' },
  { metric: 'gmiPct', label: 'GMI (%)', statistic: 'median', min: 3.31 + 0.02392 * 150, max: 3.31 + 0.02392 * 180, source: 'GMI = 3.31 + 0.02392·mean' },
  { metric: 'hypoEpisodesPerWeek', label: 'hypo episodes <70 per week', statistic: 'median', min: 2, max: 7, source: 'Hypo-METRICS 2024' },
  { metric: 'rateOfChangeP999', label: '|ΔCGM| 99.9th pct (mg/dL/min)', statistic: 'median', min: 0, max: 4, source: 'Libre T1D' },
  { metric: 'rateAbove2Pct', label: '% minutes |ΔCGM| > 2 mg/dL/min', statistic: 'median', min: 0, max: 10, source: 'Libre T1D' },
];

/** Label prevalence bands (% of windows), PHYSIOLOGY.md. */
export const LABEL_PREVALENCE_BANDS: Record<string, [number, number]> = {
  label_hypoglycemia_risk: [3, 8],
  label_hyperglycemia_risk: [8, 20],
  label_fall_risk: [0.02, 0.5],
  label_cardiac_anomaly: [0.3, 3],
  label_severe_hypotension_risk: [0.01, 0.3],
  label_autonomic_dysregulation: [0.1, 2],
};

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
