/** The 14 per-minute signals, in the contract's order (SCHEMA.md). */
export const FEATURE_NAMES = [
  'glucose_mgdl',
  'heart_rate_bpm',
  'hrv_sdnn',
  'respiratory_rate_rpm',
  'spo2_pct',
  'steps_per_minute',
  'vertical_acceleration_g',
  'skin_temperature_c',
  'eda_microsiemens',
  'qt_interval_ms',
  'insulin_on_board',
  'carbs_in_stomach',
  'activity_intensity',
  'hour_of_day',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Index of each signal in a patient's signal list. */
export const F = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, i])) as { [K in FeatureName]: number };

/** Signals predicted one minute ahead, with their target column names. */
export const TARGETS = [
  { column: 'target_glucose_mgdl', feature: 'glucose_mgdl' },
  { column: 'target_heart_rate_bpm', feature: 'heart_rate_bpm' },
  { column: 'target_hrv_sdnn', feature: 'hrv_sdnn' },
  { column: 'target_respiratory_rate_rpm', feature: 'respiratory_rate_rpm' },
] as const satisfies readonly { column: string; feature: FeatureName }[];

export const LABEL_NAMES = [
  'label_hypoglycemia_risk',
  'label_hyperglycemia_risk',
  'label_fall_risk',
  'label_cardiac_anomaly',
  'label_severe_hypotension_risk',
  'label_autonomic_dysregulation',
] as const;
export type LabelName = (typeof LABEL_NAMES)[number];

/** feature_t{k}_{feature}: k minutes before the window end. */
export function featureColumnName(lag: number, feature: FeatureName): string {
  return `feature_t${lag}_${feature}`;
}
