// Realism bands of docs/PHYSIOLOGY.md for the whole cohort: the CGM's rate of change and label prevalence.
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

/**
 * Whole-cohort bands, whatever the cohort's mix: how fast the CGM may move. The glucose outcomes
 * (time in ranges, CV, mean) depend on therapy and age, so they are held per therapy × age group
 * (groupBands.ts).
 */
export const REALISM_BANDS: Band[] = [
  // The rate is heavy-tailed (its 99.9th percentile lies 4–5 SDs out) and children's glucose moves faster:
  // a cohort with two-thirds children and adolescents has its median at the 4/5 boundary.
  { metric: 'rateOfChangeP999', label: '|ΔCGM| 99.9th pct (mg/dL/min)', statistic: 'median', min: 0, max: 5, source: 'Libre T1D: SD ~1.1' },
  { metric: 'rateAbove2Pct', label: '% minutes |ΔCGM| > 2 mg/dL/min', statistic: 'median', min: 0, max: 10, source: 'Libre T1D' },
];

/** Label prevalence bands (% of windows), PHYSIOLOGY.md. */
export const LABEL_PREVALENCE_BANDS: Record<string, [number, number]> = {
  label_hypoglycemia_risk: [3, 8],
  label_hyperglycemia_risk: [5, 20],
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
