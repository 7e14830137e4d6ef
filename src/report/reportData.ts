import { drawPatientProfile, type PatientProfile } from '../cohort/patientProfile.ts';
import type { CgmDevice } from '../domain/cgm.ts';
import { singleMix, type CohortMix } from '../domain/cohort.ts';
import { simulatedMinutes } from '../config/config.ts';
import { timeseriesLabelNames } from '../dataset/arrowSchema.ts';
import { forecastTailMinutes } from '../dataset/horizons.ts';
import { emptySummary, mergeSummaries, type SummaryStats } from '../dataset/summaryStats.ts';
import { simulatePatient, type PatientSeries } from '../simulation/simulatePatient.ts';
import type { Manifest } from '../storage/manifest.ts';
import type { Evaluation } from './baselines.ts';
import type { FidelityReport } from '../fidelity/runFidelity.ts';

/** What the dataset card and the report are drawn from: the manifest, its summaries, one example patient. */
export interface ReportData {
  manifest: Manifest;
  /** Forecast horizons of the dataset's time-series tables (none before schema version 2). */
  horizons: number[];
  /** Every label column, in table order. */
  labelNames: string[];
  /** The baseline scoreboard (evaluation.json), when `npm run evaluate` has run. */
  evaluation?: Evaluation;
  /** The comparison with real people (fidelity.json), when `npm run fidelity` has run. */
  fidelity?: FidelityReport;
  summary: SummaryStats;
  example: { profile: PatientProfile; series: PatientSeries; firstMinute: number; minutes: number };
  /** The example patient over a week with the dataset's CGM (schema ≥ 4): sensor changes, warm-ups, compression lows. */
  exampleWeek?: { series: PatientSeries; minutes: number };
}

/** The report's patient-week. */
export const EXAMPLE_WEEK_MINUTES = 7 * 1440;

export function reportData(manifest: Manifest, evaluation?: Evaluation, fidelity?: FidelityReport): ReportData {
  const summary = manifest.runs.reduce((total, run) => (run.summary ? mergeSummaries(total, run.summary) : total), emptySummary());
  // Re-simulating is exact (seed + index determine a patient) and cheaper than reading rows back.
  const run = manifest.runs[manifest.runs.length - 1]!;
  // Runs of schema version ≤ 2 name no mix: their cohort was adults on pens.
  const mix = { ...singleMix('mdi', 'adult'), ...run.config };
  const profile = exampleProfile(run.config.randomSeed, run.firstPatientIndex, run.numPatients, mix);
  const total = simulatedMinutes(run.config);
  const cgmDevice = run.config.cgmDevice;
  // The stay as the dataset simulated it (forecasting tail included), so the day shown is the table's.
  const series = simulatePatient(run.config.randomSeed, profile, total + forecastTailMinutes(run.config.forecastHorizonsMinutes ?? []), {
    cgmDevice,
  });
  const minutes = Math.min(1440, total);
  // The second day when there is one (day 1 starts from the model's steady state).
  const firstMinute = total >= 2880 ? 1440 : 0;
  const horizons = run.config.forecastHorizonsMinutes ?? [];
  return {
    manifest,
    horizons,
    labelNames: timeseriesLabelNames(horizons),
    evaluation,
    fidelity,
    summary,
    example: { profile, series, firstMinute, minutes },
    ...(cgmDevice && { exampleWeek: exampleWeek(run.config.randomSeed, run.firstPatientIndex, run.numPatients, mix, cgmDevice) }),
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

/**
 * A week of one of the run's first patients (the first of up to 20 whose week has a sensor change
 * and a compression low, so the chart shows both; else the first), simulated for the week.
 */
function exampleWeek(randomSeed: number, firstIndex: number, patients: number, mix: CohortMix, cgmDevice: CgmDevice) {
  let first: PatientSeries | undefined;
  for (let index = firstIndex; index < firstIndex + Math.min(patients, 20); index++) {
    const series = simulatePatient(randomSeed, drawPatientProfile(randomSeed, index, mix), EXAMPLE_WEEK_MINUTES, { cgmDevice });
    first ??= series;
    if (series.sensor.sensorStarts.length > 0 && series.sensor.compressionStarts.length > 0)
      return { series, minutes: EXAMPLE_WEEK_MINUTES };
  }
  return { series: first!, minutes: EXAMPLE_WEEK_MINUTES };
}
