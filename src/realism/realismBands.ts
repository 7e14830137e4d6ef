// Realism bands of docs/PHYSIOLOGY.md, held by the cohort medians of the per-patient CGM metrics.
import type { CgmMetrics } from '../dataset/cgmMetrics.ts';

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
