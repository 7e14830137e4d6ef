import { Field, Float64, Int32, Schema, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { FEATURE_NAMES, LABEL_NAMES, TARGETS, featureColumnName } from '../domain/features.ts';
import type { RunConfig } from '../config/config.ts';
import { horizonLabelColumns, horizonTargetColumns } from './horizons.ts';

/** Bumped whenever the output contract changes (docs/SCHEMA.md "Schema versions"). */
export const SCHEMA_VERSION = 5;

/** What each schema version brought, for messages that refuse an append across versions. */
export const SCHEMA_CHANGES: Record<number, string> = {
  1: 'the original 82 time-series columns',
  2: 'forecast targets and early-warning labels per horizon',
  3: "therapies mdi/pump/aid and age groups: demographics 'therapy' values and a new 'age_group' column",
  4: 'a CGM with sensor sessions, drift and artefacts; opt-in null glucose during gaps (--cgm-gaps) and blood_glucose_mgdl (--with-truth)',
  5: 'Parquet written by DuckDB: timestamp in microseconds (still a UTC instant) and every column declared OPTIONAL',
};

/** Demographics columns: the contract's nine first, then the modeller's extras (docs/SCHEMA.md documents each). */
export const DEMOGRAPHICS_COLUMNS = [
  { name: 'patient_id', type: 'utf8' },
  { name: 'age', type: 'int32' },
  { name: 'gender', type: 'utf8' },
  { name: 'bmi', type: 'float64' },
  { name: 'height_cm', type: 'float64' },
  { name: 'weight_kg', type: 'float64' },
  { name: 'resting_hr_baseline', type: 'float64' },
  { name: 'max_heart_rate', type: 'float64' },
  { name: 'insulin_sensitivity_factor', type: 'float64' },
  // Extras.
  { name: 'patient_index', type: 'int32' },
  { name: 'split', type: 'utf8' },
  { name: 'diabetes_type', type: 'utf8' },
  { name: 'therapy', type: 'utf8' },
  { name: 'age_group', type: 'utf8' },
  { name: 'model_parameter_set', type: 'utf8' },
  { name: 'carb_ratio_g_per_unit', type: 'float64' },
  { name: 'correction_factor_mgdl_per_unit', type: 'float64' },
  { name: 'basal_rate_units_per_hour', type: 'float64' },
  { name: 'basal_glucose_mgdl', type: 'float64' },
  { name: 'qtc_baseline_ms', type: 'float64' },
  { name: 'cardiac_autonomic_neuropathy', type: 'int32' },
  { name: 'impaired_hypo_awareness', type: 'int32' },
  { name: 'control_struggle', type: 'float64' },
  { name: 'cgm_mean_mgdl', type: 'float64' },
  { name: 'cgm_time_in_range_pct', type: 'float64' },
  { name: 'cgm_time_below_70_pct', type: 'float64' },
  { name: 'cgm_time_above_180_pct', type: 'float64' },
  { name: 'cgm_cv_pct', type: 'float64' },
  { name: 'gmi_pct', type: 'float64' },
] as const;

const arrowType = (type: 'utf8' | 'int32' | 'float64') => (type === 'utf8' ? new Utf8() : type === 'int32' ? new Int32() : new Float64());

export const demographicsSchema = new Schema(DEMOGRAPHICS_COLUMNS.map((c) => new Field(c.name, arrowType(c.type), false)));

/** Time-series column names in contract order (without patient_id and timestamp). */
export function featureColumnNames(windowSizeMinutes: number): string[] {
  const names: string[] = [];
  for (let lag = 0; lag < windowSizeMinutes; lag++) for (const feature of FEATURE_NAMES) names.push(featureColumnName(lag, feature));
  return names;
}

/** Every label column of a time-series table: the six adverse-event labels, then the early-warning labels. */
export function timeseriesLabelNames(horizonsMinutes: readonly number[]): string[] {
  return [...LABEL_NAMES, ...horizonLabelColumns(horizonsMinutes)];
}

/** Every column name of a time-series table, in contract order. */
export function timeseriesColumnNames(windowSizeMinutes: number, horizonsMinutes: readonly number[], sensor: SensorColumns = {}): string[] {
  return timeseriesSchema(windowSizeMinutes, horizonsMinutes, sensor).fields.map((f) => f.name);
}

/** The column --with-truth adds: the simulated plasma glucose at t0. */
export const TRUTH_COLUMN = 'blood_glucose_mgdl';

/** Columns that hold CGM glucose: the per-lag features, the next-minute target and the horizon targets. */
export function isGlucoseColumn(name: string): boolean {
  return /^feature_t\d+_glucose_mgdl$/.test(name) || /^target_glucose_mgdl(_\d+min)?$/.test(name);
}

/** What the sensor options change in a time-series table: nullable glucose (cgmGaps), the truth column (withTruth). */
export interface SensorColumns {
  cgmGaps?: boolean;
  withTruth?: boolean;
}

/**
 * The original columns (patient_id, timestamp in ms UTC-adjusted, W×14 features, 4 next-minute
 * targets, 6 labels), then the horizon targets, then the early-warning labels, then (--with-truth)
 * blood_glucose_mgdl. Only the glucose columns of a --cgm-gaps dataset are nullable.
 */
export function timeseriesSchema(windowSizeMinutes: number, horizonsMinutes: readonly number[], sensor: SensorColumns = {}): Schema {
  const number = (name: string) => new Field(name, new Float64(), Boolean(sensor.cgmGaps) && isGlucoseColumn(name));
  return new Schema([
    new Field('patient_id', new Utf8(), false),
    new Field('timestamp', new TimestampMillisecond('UTC'), false),
    ...featureColumnNames(windowSizeMinutes).map(number),
    ...TARGETS.map((t) => number(t.column)),
    ...LABEL_NAMES.map((name) => new Field(name, new Int32(), false)),
    ...horizonTargetColumns(horizonsMinutes).map(number),
    ...horizonLabelColumns(horizonsMinutes).map((name) => new Field(name, new Int32(), false)),
    ...(sensor.withTruth ? [new Field(TRUTH_COLUMN, new Float64(), false)] : []),
  ]);
}

/** A run's time-series schema, from its config. */
export function runTimeseriesSchema(
  config: Pick<RunConfig, 'windowSizeMinutes' | 'forecastHorizonsMinutes' | 'cgmGaps' | 'withTruth'>,
): Schema {
  return timeseriesSchema(config.windowSizeMinutes, config.forecastHorizonsMinutes, config);
}
