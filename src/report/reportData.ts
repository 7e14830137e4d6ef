import { drawPatientProfile, type PatientProfile } from '../cohort/patientProfile.ts';
import { singleMix, type CohortMix } from '../domain/cohort.ts';
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
  // Runs of schema version ≤ 2 name no mix: their cohort was adults on pens.
  const mix = { ...singleMix('mdi', 'adult'), ...run.config };
  const profile = exampleProfile(run.config.randomSeed, run.firstPatientIndex, run.numPatients, mix);
  const total = simulatedMinutes(run.config);
  const series = simulatePatient(run.config.randomSeed, profile, total);
  const minutes = Math.min(1440, total);
  // The second day when there is one (day 1 starts from the model's steady state).
  const firstMinute = total >= 2880 ? 1440 : 0;
  const horizons = run.config.forecastHorizonsMinutes ?? [];
  return {
    manifest,
    horizons,
    labelNames: timeseriesLabelNames(horizons),
    evaluation,
    summary,
    example: { profile, series, firstMinute, minutes },
  };
}

/** The run's first patient on a closed loop among its first 50 (the report shows the algorithm at work), else its first. */
function exampleProfile(randomSeed: number, firstIndex: number, patients: number, mix: CohortMix): PatientProfile {
  for (let index = firstIndex; index < firstIndex + Math.min(patients, 50); index++) {
    const profile = drawPatientProfile(randomSeed, index, mix);
    if (profile.therapyKind === 'aid') return profile;
  }
  return drawPatientProfile(randomSeed, firstIndex, mix);
}
