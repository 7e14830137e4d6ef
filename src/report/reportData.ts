import { drawPatientProfile, type PatientProfile } from '../cohort/patientProfile.ts';
import { simulatedMinutes } from '../config/config.ts';
import { timeseriesLabelNames } from '../dataset/arrowSchema.ts';
import { emptySummary, mergeSummaries, type SummaryStats } from '../dataset/summaryStats.ts';
import { simulatePatient, type PatientSeries } from '../simulation/simulatePatient.ts';
import type { Manifest } from '../storage/manifest.ts';
import type { Evaluation } from './baselines.ts';

/** What the dataset card and the report are drawn from: the manifest, its summaries, one example patient. */
export interface ReportData {
  manifest: Manifest;
  /** Forecast horizons of the dataset's time-series tables (none before schema version 2). */
  horizons: number[];
  /** Every label column, in table order. */
  labelNames: string[];
  /** The baseline scoreboard (evaluation.json), when `npm run evaluate` has run. */
  evaluation?: Evaluation;
  summary: SummaryStats;
  example: { profile: PatientProfile; series: PatientSeries; firstMinute: number; minutes: number };
}

export function reportData(manifest: Manifest, evaluation?: Evaluation): ReportData {
  const summary = manifest.runs.reduce((total, run) => (run.summary ? mergeSummaries(total, run.summary) : total), emptySummary());
  // Re-simulating is exact (seed + index determine a patient) and cheaper than reading rows back.
  const run = manifest.runs[manifest.runs.length - 1]!;
  const profile = drawPatientProfile(run.config.randomSeed, run.firstPatientIndex);
  const total = simulatedMinutes(run.config);
  const series = simulatePatient(run.config.randomSeed, profile, total);
  const minutes = Math.min(1440, total);
  // The second day when there is one (day 1 starts from the model's steady state).
  const firstMinute = total >= 2880 ? 1440 : 0;
  const horizons = run.config.forecastHorizonsMinutes ?? [];
  return { manifest, horizons, labelNames: timeseriesLabelNames(horizons), evaluation, summary, example: { profile, series, firstMinute, minutes } };
}
