import type { Habits, TherapySettings } from '../cohort/patientProfile.ts';

/**
 * Meal bolus a person actually gives: carbs as they count them (with their bias and error) over
 * the carb ratio, plus a correction above 150 mg/dL net of insulin still active.
 */
export function mealBolusUnits(
  therapy: TherapySettings,
  habits: Habits,
  carbsGrams: number,
  cgmMgdl: number,
  bolusInsulinOnBoardUnits: number,
  countingNoise: number,
): number {
  const countedCarbs = Math.max(0, carbsGrams * (1 + habits.carbCountBias + habits.carbCountErrorSd * countingNoise));
  return Math.max(0, countedCarbs / therapy.carbRatioGramsPerUnit + correctionUnits(therapy, cgmMgdl, bolusInsulinOnBoardUnits, 150));
}

/** Correction dose (G − target)/CF above a threshold, less insulin already on board. */
export function correctionUnits(therapy: TherapySettings, cgmMgdl: number, bolusInsulinOnBoardUnits: number, thresholdMgdl: number): number {
  if (cgmMgdl <= thresholdMgdl) return 0;
  return Math.max(0, (cgmMgdl - therapy.targetGlucoseMgdl) / therapy.correctionFactorMgdlPerUnit - bolusInsulinOnBoardUnits);
}

/** Insulin doses are dialled in 0.5 U steps on pens (0.05 U on pumps); pens are the common case. */
export function roundDose(units: number): number {
  return Math.round(units * 2) / 2;
}
