// The controller: every therapy decision of a person on basal–bolus therapy — when a bolus is
// given (with the meal, late, or never) and how big, corrections of persistent highs, noticing and
// treating a low (awake, or woken by a CGM alarm), resting after it. Decisions read the CGM, as
// the person does; what they do to the body is the patient model's business.
import type { Habits, PatientProfile, TherapySettings } from '../cohort/patientProfile.ts';
import type { PlannedMeals } from './scenario.ts';
import { bernoulli, uniformBetween, type RandomStream } from '../util/random.ts';

/** Eating speed of fast carbs (snacks, hypo treatment), g/min (simglucose). */
export const FAST_EATING_RATE_G_PER_MIN = 5;
/** A mixed meal is eaten over ~20–30 min: carbohydrate reaches the stomach more slowly. */
export const MEAL_EATING_RATE_G_PER_MIN = 2.5;
/** Sweating and a racing heart during exercise mask hypoglycemia symptoms: noticed less often. */
const EXERCISE_MASKS_HYPO_FACTOR = 0.15;

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

/** What the person sees and is doing this minute. */
export interface ControllerInputs {
  minute: number;
  cgmMgdl: number;
  /** Bolus insulin still in the depots (basal excluded), U. */
  bolusInsulinOnBoardUnits: number;
  asleep: boolean;
  moving: boolean;
}

/** What the person does this minute: carbs to start eating (in order), insulin, and whether to rest. */
export interface ControllerActions {
  eat: { grams: number; rateGPerMin: number }[];
  bolusUnits: number;
  /** The person stops any activity until this minute (a treated low). */
  restUntilMinute: number;
}

/** A record of when things happened (a few dozen entries a day), for the report's example patient-day. */
export interface TherapyTimeline {
  mealMinutes: number[];
  mealGrams: number[];
  bolusMinutes: number[];
  bolusUnits: number[];
  hypoTreatmentMinutes: number[];
}

/**
 * The person's therapy decisions, minute by minute, from the planned meals of the scenario and
 * their habits. Draws from `rng` in a fixed order, so a patient's decisions are reproducible.
 */
export class TherapyController {
  readonly timeline: TherapyTimeline = { mealMinutes: [], mealGrams: [], bolusMinutes: [], bolusUnits: [], hypoTreatmentMinutes: [] };
  private readonly therapy: TherapySettings;
  private readonly habits: Habits;
  private nextMeal = 0;
  private pendingBolusMinute = -1; // a late bolus waiting to be given
  private pendingBolusCarbs = 0;
  private lastHypoTreatmentMinute = -1e9;
  private lastBolusMinute = -1e9;
  private lastCorrectionCheckMinute = -1e9;
  private lastAlarmMinute = -1e9;
  private restUntilMinute = -1;
  private readonly actions: ControllerActions = { eat: [], bolusUnits: 0, restUntilMinute: -1 };

  constructor(
    profile: PatientProfile,
    private readonly meals: PlannedMeals,
    private readonly rng: RandomStream,
  ) {
    this.therapy = profile.therapy;
    this.habits = profile.habits;
  }

  decide(now: ControllerInputs): ControllerActions {
    const { therapy, habits, rng, meals, timeline } = this;
    const { minute, cgmMgdl: cgm, bolusInsulinOnBoardUnits: bolusIob } = now;
    const actions = this.actions;
    actions.eat.length = 0;
    let bolusUnits = 0;

    // Meals: start eating; the bolus comes with it, late, or never.
    while (this.nextMeal < meals.count && meals.minute[this.nextMeal]! <= minute) {
      const grams = meals.carbsGrams[this.nextMeal]!;
      const snack = meals.isSnack[this.nextMeal] === 1;
      actions.eat.push({ grams, rateGPerMin: snack ? FAST_EATING_RATE_G_PER_MIN : MEAL_EATING_RATE_G_PER_MIN });
      timeline.mealMinutes.push(minute);
      timeline.mealGrams.push(grams);
      const bolusesThisMeal = !snack || bernoulli(rng, habits.snackBolusProbability);
      if (!bolusesThisMeal || bernoulli(rng, habits.missedBolusProbability)) {
        // Skipped (a snack without insulin) or forgotten.
      } else if (bernoulli(rng, habits.lateBolusProbability)) {
        this.pendingBolusMinute = minute + Math.round(uniformBetween(rng, 15, 60));
        this.pendingBolusCarbs = grams;
      } else {
        bolusUnits += mealBolusUnits(therapy, habits, grams, cgm, bolusIob, rng.normal());
      }
      this.nextMeal++;
    }
    if (this.pendingBolusMinute >= 0 && minute >= this.pendingBolusMinute) {
      bolusUnits += mealBolusUnits(therapy, habits, this.pendingBolusCarbs, cgm, bolusIob, rng.normal());
      this.pendingBolusMinute = -1;
    }
    // Hypoglycemia: awake, the person notices a CGM below 70 after a while (impaired awareness:
    // much later), stops any activity and takes fast carbs, re-treating after 15 min; asleep, only
    // a CGM alarm below 55 can wake them, and alarms are slept through.
    if (cgm < 70 && minute - this.lastHypoTreatmentMinute >= 15) {
      const notices = now.asleep
        ? cgm < 55 && minute - this.lastAlarmMinute >= 15 && ((this.lastAlarmMinute = minute), bernoulli(rng, habits.nightAlarmWakeProbability))
        : bernoulli(rng, habits.hypoNoticeProbabilityPerMin * (now.moving ? EXERCISE_MASKS_HYPO_FACTOR : 1));
      if (notices) {
        actions.eat.push({ grams: habits.hypoTreatmentGrams, rateGPerMin: FAST_EATING_RATE_G_PER_MIN });
        this.lastHypoTreatmentMinute = minute;
        timeline.hypoTreatmentMinutes.push(minute);
        this.restUntilMinute = minute + 20 + Math.round(10 * rng.uniform());
      }
    }
    // Stand-alone correction of persistent highs, checked hourly when awake and no recent bolus.
    if (!now.asleep && cgm > 250 && minute - this.lastBolusMinute > 180 && minute - this.lastCorrectionCheckMinute >= 60) {
      this.lastCorrectionCheckMinute = minute;
      if (bernoulli(rng, habits.correctionProbability)) {
        const units = correctionUnits(therapy, cgm, bolusIob, 250) * 0.8;
        if (units > 0) bolusUnits += units;
      }
    }
    bolusUnits = roundDose(bolusUnits);
    if (bolusUnits > 0) {
      timeline.bolusMinutes.push(minute);
      timeline.bolusUnits.push(bolusUnits);
      this.lastBolusMinute = minute;
    }
    actions.bolusUnits = bolusUnits;
    actions.restUntilMinute = this.restUntilMinute;
    return actions;
  }
}
