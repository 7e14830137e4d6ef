import type { RecordBatch } from 'apache-arrow';
import { drawPatientProfile, type PatientProfile } from '../cohort/patientProfile.ts';
import { simulatedMinutes } from '../config/config.ts';
import { SIMULATION_START_EPOCH_MS } from '../simulation/scenario.ts';
import { simulatePatient } from '../simulation/simulatePatient.ts';
import { nullableFloatData, recordBatch, repeatedUtf8Data, typedData, utf8Data } from './arrowColumns.ts';
import { SensorState } from '../domain/cgm.ts';
import { DEMOGRAPHICS_COLUMNS, demographicsSchema, timeseriesLabelNames, runTimeseriesSchema } from './arrowSchema.ts';
import { emptyStats, type BatchStats } from './batchStats.ts';
import { SPLITS, type Split } from './splits.ts';
import type { RunConfig } from '../config/config.ts';
import { cutWindows, windowValueColumns } from './windows.ts';
import { forecastTailMinutes } from './horizons.ts';
import { F } from '../domain/features.ts';
import { cgmMetrics, type CgmMetrics } from './cgmMetrics.ts';
import {
  addPatientToSummary,
  addSensorAccuracy,
  emptySensorAccuracy,
  emptySummary,
  mergeSummaries,
  type SummaryStats,
} from './summaryStats.ts';

/** What a batch leaves once its time-series rows have gone to the sink: demographics and counts. */
export interface BatchTables {
  demographics: RecordBatch;
  stats: BatchStats;
  summary: SummaryStats;
}

/**
 * Writes one split's time-series rows: `patients` yields one record batch per patient, simulated only
 * when the writer pulls it, so a streaming writer holds one patient at a time. The writer reads
 * every batch before it resolves. Splits arrive one after another.
 */
export type SplitWriter = (split: Split, patients: Iterable<RecordBatch>) => Promise<void>;

/** Which patients a batch holds: offsets [start, end) of its run, and every run patient's split. */
export interface BatchSpec {
  config: RunConfig;
  /** Global index of the run's first patient. */
  firstPatientIndex: number;
  start: number;
  end: number;
  /** Split code (SPLIT_CODE) of each patient of the run, by offset. */
  splitCodes: Uint8Array;
}

/**
 * Simulates the batch's patients one at a time as `writeSplit` pulls them, so only one patient's
 * rows are ever held. Patients come split by split (all of the batch's train patients, then val,
 * then test; in batch order within a split), so a writer needs only one part file open at a time.
 * Each patient depends only on the seed and its index, so the order changes no value; demographics
 * and the summary are put back in batch order. `afterPatient` runs after each patient (inside the
 * writer's pull): the caller heartbeats there, and throws to stop the batch.
 */
export async function buildBatchTables(
  batch: BatchSpec,
  writeSplit: SplitWriter,
  afterPatient: (done: number) => void,
): Promise<BatchTables> {
  const { config, start, end, splitCodes } = batch;
  const visibleMinutes = simulatedMinutes(config);
  // The forecasting tail: minutes past the visible days that only horizon targets and labels read.
  const totalMinutes = visibleMinutes + forecastTailMinutes(config.forecastHorizonsMinutes);
  const schema = runTimeseriesSchema(config);
  const patients: { profile: PatientProfile; split: Split; metrics: CgmMetrics; summary: SummaryStats }[] = [];
  const stats = emptyStats(timeseriesLabelNames(config.forecastHorizonsMinutes).length);

  function* patientRows(offsets: number[], split: Split): Generator<RecordBatch> {
    for (const offset of offsets) {
      const patientIndex = batch.firstPatientIndex + offset;
      const profile = drawPatientProfile(config.randomSeed, patientIndex, config);
      const series = simulatePatient(config.randomSeed, profile, totalMinutes, { cgmDevice: config.cgmDevice });
      // With --cgm-gaps the glucose columns hold null (NaN here) where the sensor had no reading;
      // the summary's signal statistics keep the recorded series.
      const glucose = config.cgmGaps ? withGaps(series.signals[F.glucose_mgdl]!, series.sensor.state) : series.signals[F.glucose_mgdl]!;
      const datasetSignals = series.signals.map((signal, f) => (f === F.glucose_mgdl ? glucose : signal));
      const windows = cutWindows(
        datasetSignals,
        visibleMinutes,
        config.windowSizeMinutes,
        config.forecastHorizonsMinutes,
        SIMULATION_START_EPOCH_MS,
        config.withTruth ? series.bloodGlucoseMgdl : undefined,
      );
      const visibleSignals = series.signals.map((signal) => signal.subarray(0, visibleMinutes));
      const metrics = cgmMetrics(glucose.subarray(0, visibleMinutes));
      const summary = emptySummary();
      addPatientToSummary(summary, visibleSignals, metrics, profile);
      const { state, dayOfWear } = series.sensor;
      addSensorAccuracy(
        (summary.sensorAccuracy ??= emptySensorAccuracy()),
        series.signals[F.glucose_mgdl]!,
        series.bloodGlucoseMgdl,
        state,
        dayOfWear,
        visibleMinutes,
      );
      patients[offset - start] = { profile, split, metrics, summary };
      const fields = schema.fields;
      const children = [
        repeatedUtf8Data(fields[0]!, profile.patientId, windows.rows),
        typedData(fields[1]!, windows.timestampMs),
        ...windowValueColumns(windows).map((column, i) =>
          fields[i + 2]!.nullable ? nullableFloatData(fields[i + 2]!, column as Float64Array) : typedData(fields[i + 2]!, column),
        ),
      ];
      yield recordBatch(schema, children, windows.rows);

      stats.patients++;
      stats.patientsPerSplit[split]++;
      stats.rows[split] += windows.rows;
      [...windows.labels, ...windows.horizonLabels].forEach((column, l) => {
        let positives = 0;
        for (let row = 0; row < column.length; row++) positives += column[row]!;
        stats.labelCounts[split][l]! += positives;
      });
      afterPatient(stats.patients);
    }
  }

  for (const split of SPLITS) {
    const offsets: number[] = [];
    for (let offset = start; offset < end; offset++) if (SPLITS[splitCodes[offset]!] === split) offsets.push(offset);
    if (offsets.length === 0) continue;
    const before = stats.patients;
    await writeSplit(split, patientRows(offsets, split));
    if (stats.patients - before !== offsets.length)
      throw new Error(`the ${split} writer stopped after ${stats.patients - before} of ${offsets.length} patients`);
  }
  // Sums added in batch order: the same floating-point result as adding patient by patient.
  const summary = patients.reduce((sum, patient) => mergeSummaries(sum, patient.summary), emptySummary());
  const demographics = demographicsBatch(
    patients.map((p) => p.profile),
    patients.map((p) => p.split),
    patients.map((p) => p.metrics),
  );
  return { demographics, stats, summary };
}

/** A copy of the CGM series with NaN wherever the sensor had no reading (warm-up, failure, signal loss). */
export function withGaps(glucoseMgdl: Float64Array, sensorState: Uint8Array): Float64Array {
  const gapped = glucoseMgdl.slice();
  for (let minute = 0; minute < gapped.length; minute++) if (sensorState[minute] !== SensorState.Reading) gapped[minute] = Number.NaN;
  return gapped;
}

function demographicsBatch(profiles: PatientProfile[], splits: Split[], metrics: CgmMetrics[]): RecordBatch {
  const values: Record<(typeof DEMOGRAPHICS_COLUMNS)[number]['name'], (p: PatientProfile, i: number) => string | number> = {
    patient_id: (p) => p.patientId,
    age: (p) => p.age,
    gender: (p) => p.gender,
    bmi: (p) => p.bmi,
    height_cm: (p) => p.heightCm,
    weight_kg: (p) => p.weightKg,
    resting_hr_baseline: (p) => p.restingHeartRateBpm,
    max_heart_rate: (p) => p.maxHeartRateBpm,
    insulin_sensitivity_factor: (p) => p.insulinSensitivityFactor,
    patient_index: (p) => p.patientIndex,
    split: (_, i) => splits[i]!,
    diabetes_type: () => 'T1D',
    therapy: (p) => p.therapyKind,
    age_group: (p) => p.ageGroup,
    model_parameter_set: (p) => `${p.baseParameterSet} (perturbed)`,
    carb_ratio_g_per_unit: (p) => p.therapy.carbRatioGramsPerUnit,
    correction_factor_mgdl_per_unit: (p) => p.therapy.correctionFactorMgdlPerUnit,
    basal_rate_units_per_hour: (p) => Math.round(p.therapy.basalUnitsPerMin * 60 * 1000) / 1000,
    basal_glucose_mgdl: (p) => Math.round(p.basalGlucoseMgdl * 10) / 10,
    qtc_baseline_ms: (p) => Math.round(p.wearable.qtcMs * 10) / 10,
    cardiac_autonomic_neuropathy: (p) => (p.wearable.autonomicNeuropathy ? 1 : 0),
    impaired_hypo_awareness: (p) => (p.habits.hypoNoticeProbabilityPerMin < 0.05 ? 1 : 0),
    control_struggle: (p) => Math.round(p.habits.controlStruggle * 1000) / 1000,
    cgm_mean_mgdl: (_, i) => Math.round(metrics[i]!.meanMgdl * 10) / 10,
    cgm_time_in_range_pct: (_, i) => Math.round(metrics[i]!.timeInRangePct * 100) / 100,
    cgm_time_below_70_pct: (_, i) => Math.round(metrics[i]!.timeBelow70Pct * 100) / 100,
    cgm_time_above_180_pct: (_, i) => Math.round(metrics[i]!.timeAbove180Pct * 100) / 100,
    cgm_cv_pct: (_, i) => Math.round(metrics[i]!.cvPct * 100) / 100,
    gmi_pct: (_, i) => Math.round(metrics[i]!.gmiPct * 100) / 100,
  };
  const children = DEMOGRAPHICS_COLUMNS.map((column, c) => {
    const field = demographicsSchema.fields[c]!;
    const read = values[column.name];
    if (column.type === 'utf8')
      return utf8Data(
        field,
        profiles.map((p, i) => String(read(p, i))),
      );
    const array = column.type === 'int32' ? new Int32Array(profiles.length) : new Float64Array(profiles.length);
    profiles.forEach((p, i) => (array[i] = Number(read(p, i))));
    return typedData(field, array);
  });
  return recordBatch(demographicsSchema, children, profiles.length);
}
