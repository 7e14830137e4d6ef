// Multiple daily injections (pens): a long-acting basal that acts as a flat rate all day, and
// boluses the person works out in their head — carbs over the carb ratio, plus a correction net of
// the insulin they reckon is still active — dialled in 0.5 U pen steps.
import type { PatientProfile, TherapySettings } from '../../cohort/patientProfile.ts';
import type { PlannedMeals } from '../scenario.ts';
import { MEAL_CORRECTION_ABOVE_MGDL, PEN_CORRECTIONS, Person, type BolusCalculator, type PersonStreams } from './person.ts';
import { emptyTimeline, recordBasal, type ControllerActions, type ControllerInputs, type TherapyController } from './types.ts';

/** Insulin pens dial whole and half units. */
export const PEN_STEP_UNITS = 0.5;

/** Rounds to a device step (0.5, 0.05 U…): divided by the steps per unit, so 23 × 0.05 reads 1.15, not 1.1500000000000001. */
export const roundToStep = (units: number, step: number) => Math.round(units / step) / Math.round(1 / step);

/** Correction dose (G − target)/CF above a threshold, less the bolus insulin still on board. */
export function correctionUnits(therapy: TherapySettings, cgmMgdl: number, insulinOnBoardUnits: number, thresholdMgdl: number): number {
  // No reading (NaN): no correction.
  if (!(cgmMgdl > thresholdMgdl)) return 0;
  return Math.max(0, (cgmMgdl - therapy.targetGlucoseMgdl) / therapy.correctionFactorMgdlPerUnit - insulinOnBoardUnits);
}

/** Carbs over the carb ratio plus a correction above 150 mg/dL net of insulin on board. */
export function mealBolusUnits(therapy: TherapySettings, countedCarbsGrams: number, cgmMgdl: number, insulinOnBoardUnits: number): number {
  return Math.max(
    0,
    countedCarbsGrams / therapy.carbRatioGramsPerUnit + correctionUnits(therapy, cgmMgdl, insulinOnBoardUnits, MEAL_CORRECTION_ABOVE_MGDL),
  );
}

export class PenController implements TherapyController, BolusCalculator {
  readonly timeline = emptyTimeline();
  readonly corrections = PEN_CORRECTIONS;
  private readonly person: Person;
  private readonly therapy: TherapySettings;
  private readonly actions: ControllerActions = { eat: [], bolusUnits: 0, basalUnitsPerMin: 0, restUntilMinute: -1 };

  constructor(profile: PatientProfile, meals: PlannedMeals, streams: PersonStreams) {
    this.therapy = profile.therapy;
    this.person = new Person(profile.habits, meals, streams.meals, streams.hypo, streams.corrections, this.timeline);
    this.actions.basalUnitsPerMin = this.therapy.basalUnitsPerMin;
    recordBasal(this.timeline, 0, this.therapy.basalUnitsPerMin * 60);
  }

  mealBolusUnits(countedCarbsGrams: number, now: ControllerInputs): number {
    return mealBolusUnits(this.therapy, countedCarbsGrams, now.cgmMgdl, now.bodyBolusInsulinOnBoardUnits);
  }

  correctionUnits(now: ControllerInputs, thresholdMgdl: number): number {
    return correctionUnits(this.therapy, now.cgmMgdl, now.bodyBolusInsulinOnBoardUnits, thresholdMgdl);
  }

  roundDose(units: number): number {
    return roundToStep(units, PEN_STEP_UNITS);
  }

  decide(now: ControllerInputs): ControllerActions {
    const person = this.person.act(now, this);
    const { actions } = this;
    actions.eat = person.eat;
    actions.bolusUnits = person.bolusUnits;
    actions.restUntilMinute = person.restUntilMinute;
    return actions;
  }
}
