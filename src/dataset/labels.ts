import { F } from '../domain/features.ts';

/**
 * The six adverse-event rules of SCHEMA.md, evaluated on a window's feature values (t0 is the
 * window end, t1 one minute earlier). Strict inequalities exactly as written in the contract. A
 * rule that reads a glucose value that is missing (NaN) is 0: every comparison with NaN is false,
 * and the two trend rules also need t1.
 */
export interface LabelInputs {
  glucoseT0: number;
  glucoseT1: number;
  heartRateT0: number;
  heartRateT1: number;
  hrvT0: number;
  edaT0: number;
  qtT0: number;
  activityT0: number;
}

/** Both glucose values the trend rules read are there (a --cgm-gaps dataset has NaN for no reading; the rule is then 0). */
const bothReadings = (w: LabelInputs): boolean => !Number.isNaN(w.glucoseT0) && !Number.isNaN(w.glucoseT1);

export const hypoglycemiaRisk = (w: LabelInputs): boolean =>
  bothReadings(w) && (w.glucoseT0 < 70 || (w.glucoseT0 < 80 && w.glucoseT0 - w.glucoseT1 < -3));

export const hyperglycemiaRisk = (w: LabelInputs): boolean =>
  bothReadings(w) && (w.glucoseT0 > 250 || (w.glucoseT0 > 180 && w.glucoseT0 - w.glucoseT1 > 5));

export const fallRisk = (w: LabelInputs): boolean => w.glucoseT0 < 70 && w.activityT0 > 0.5 && w.hrvT0 < 20;

/** Bazett QTc from QT (ms) and heart rate (bpm): QT / √(RR s). */
export const bazettQtcMs = (qtMs: number, heartRateBpm: number): number => qtMs / Math.sqrt(60 / heartRateBpm);

export const cardiacAnomaly = (w: LabelInputs): boolean =>
  bazettQtcMs(w.qtT0, w.heartRateT0) > 470 || w.heartRateT0 < 45 || (w.heartRateT0 > 160 && w.activityT0 < 0.3);

export const severeHypotensionRisk = (w: LabelInputs): boolean =>
  w.glucoseT0 < 70 && w.activityT0 > 0.3 && w.heartRateT0 - w.heartRateT1 < -10;

export const autonomicDysregulation = (w: LabelInputs): boolean => w.edaT0 > 12 && w.hrvT0 < 15 && (w.glucoseT0 < 70 || w.glucoseT0 > 200);

/** Rules in LABEL_NAMES order. */
export const LABEL_RULES = [
  hypoglycemiaRisk,
  hyperglycemiaRisk,
  fallRisk,
  cardiacAnomaly,
  severeHypotensionRisk,
  autonomicDysregulation,
] as const;

/**
 * Labels for every window of one patient, columnar: the window ending at minute m reads t0 = m
 * and t1 = m − 1 from the per-minute signals. Returns one Int32Array (0/1) per label.
 */
export function labelWindows(signals: Float64Array[], firstWindowEndMinute: number, rows: number): Int32Array[] {
  const labels = LABEL_RULES.map(() => new Int32Array(rows));
  const glucose = signals[F.glucose_mgdl]!,
    heartRate = signals[F.heart_rate_bpm]!,
    hrv = signals[F.hrv_sdnn]!;
  const eda = signals[F.eda_microsiemens]!,
    qt = signals[F.qt_interval_ms]!,
    activity = signals[F.activity_intensity]!;
  const window: LabelInputs = { glucoseT0: 0, glucoseT1: 0, heartRateT0: 0, heartRateT1: 0, hrvT0: 0, edaT0: 0, qtT0: 0, activityT0: 0 };
  for (let row = 0; row < rows; row++) {
    const t0 = firstWindowEndMinute + row;
    // With a window of 1 there is no t1 feature; the trend terms then compare t0 with itself.
    const t1 = firstWindowEndMinute >= 1 ? t0 - 1 : t0;
    window.glucoseT0 = glucose[t0]!;
    window.glucoseT1 = glucose[t1]!;
    window.heartRateT0 = heartRate[t0]!;
    window.heartRateT1 = heartRate[t1]!;
    window.hrvT0 = hrv[t0]!;
    window.edaT0 = eda[t0]!;
    window.qtT0 = qt[t0]!;
    window.activityT0 = activity[t0]!;
    for (let l = 0; l < LABEL_RULES.length; l++) labels[l]![row] = LABEL_RULES[l]!(window) ? 1 : 0;
  }
  return labels;
}
