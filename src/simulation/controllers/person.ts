// The person behind every therapy: when they eat and whether they bolus for it (with the meal,
// late, or never), how well they count carbs, correcting persistent highs, noticing and treating a
// low (awake, or woken by a CGM alarm), resting after it. How a dose is worked out and rounded is
// the device's business (pen arithmetic, a pump's bolus calculator); the person's habits are the
// same whatever the device.
//
// Random draws: the decisions at each planned meal are drawn up front from the `meals` stream (a
// fixed number per meal, whatever happens), so the same person makes the same meal decisions under
// every therapy. What depends on the CGM (noticing a low, correcting a high) draws from streams of
// its own, `hypo` and `corrections`: those can differ between therapies, as the glucose does.
import type { Habits } from '../../cohort/patientProfile.ts';
import { bernoulli, uniformBetween, type RandomStream } from '../../util/random.ts';
import type { PlannedMeals } from '../scenario.ts';
import type { ControllerInputs, Food, TherapyTimeline } from './types.ts';

/** Eating speed of fast carbs (snacks, hypo treatment), g/min (simglucose). */
export const FAST_EATING_RATE_G_PER_MIN = 5;
/** A mixed meal is eaten over ~20–30 min: carbohydrate reaches the stomach more slowly. */
export const MEAL_EATING_RATE_G_PER_MIN = 2.5;
/** Sweating and a racing heart during exercise mask hypoglycemia symptoms: noticed less often. */
const EXERCISE_MASKS_HYPO_FACTOR = 0.15;
/** A meal bolus corrects above this CGM value; a stand-alone correction above the device's CorrectionRule. */
export const MEAL_CORRECTION_ABOVE_MGDL = 150;

// Correcting a high between meals, as the device makes it easy. On a pump or a closed loop a
// correction is a button press: people act on the CGM's high alert (Dexcom's G6 and G7 ship with it
// at 200 mg/dL, repeating while it lasts), two hours after a bolus (the calculator nets out the
// insulin still active), looking every 30 min, and at night when the alert wakes them (as likely as
// a low alarm does). On pens a correction is one more injection: a persistent high (> 250 mg/dL),
// two hours after the last one, checked hourly, awake. The waits and check intervals are our
// calibration (glucose at 200–260 mg/dL then falls over the next 30 min more as T1D-UOM's does,
// docs/FIDELITY.md §7, while the paired trial keeps closed loops' published lead over pens).
/** When a person makes a stand-alone correction of a high with their device. */
export interface CorrectionRule {
  /** Corrects above this CGM value, mg/dL. */
  aboveMgdl: number;
  /** Not within this long of the last bolus, min. */
  waitAfterBolusMin: number;
  /** Awake, looks at a high (and maybe corrects it) at most this often, min. */
  checkEveryMin: number;
  /** Asleep, how often the high alert sounds again (and may wake them), min; null: never corrected asleep. */
  nightAlertEveryMin: number | null;
}
export const PUMP_CORRECTIONS: Readonly<CorrectionRule> = {
  aboveMgdl: 200,
  waitAfterBolusMin: 120,
  checkEveryMin: 30,
  nightAlertEveryMin: 60,
};
export const PEN_CORRECTIONS: Readonly<CorrectionRule> = {
  aboveMgdl: 250,
  waitAfterBolusMin: 120,
  checkEveryMin: 60,
  nightAlertEveryMin: null,
};
/**
 * Above this, nearly everyone acts whatever their habits: they feel it, and sick-day rules (ISPAD
 * 2022, ADA) tell them to check ketones and correct above 250–300 mg/dL.
 */
export const VERY_HIGH_MGDL = 300;
const VERY_HIGH_CORRECTION_PROBABILITY = 0.9;

/** The chance that a person who looks at a high corrects it: their habit, or near-certain when very high. */
export function correctionChance(habitualProbability: number, cgmMgdl: number): number {
  return cgmMgdl > VERY_HIGH_MGDL ? Math.max(habitualProbability, VERY_HIGH_CORRECTION_PROBABILITY) : habitualProbability;
}

/** Whether a stand-alone correction of a high is due now under `rule` (pure: the person's timing). */
export function highCorrectionDue(
  rule: Readonly<CorrectionRule>,
  cgmMgdl: number,
  asleep: boolean,
  minutesSinceBolus: number,
  minutesSinceCheck: number,
): boolean {
  const every = asleep ? rule.nightAlertEveryMin : rule.checkEveryMin;
  return every !== null && cgmMgdl > rule.aboveMgdl && minutesSinceBolus >= rule.waitAfterBolusMin && minutesSinceCheck >= every;
}

/** How the device turns the person's intent into a dose. */
export interface BolusCalculator {
  /** Meal bolus for `countedCarbsGrams` (with a correction above MEAL_CORRECTION_ABOVE_MGDL), before rounding. */
  mealBolusUnits(countedCarbsGrams: number, now: ControllerInputs): number;
  /** Correction of a high above `thresholdMgdl`, before rounding. */
  correctionUnits(now: ControllerInputs, thresholdMgdl: number): number;
  /** The device's dose step. */
  roundDose(units: number): number;
  /** The person tells the device they eat (a closed loop counts these carbs on board). */
  carbsEntered?(countedCarbsGrams: number, minute: number): void;
  /** When the person makes a stand-alone correction with this device. */
  readonly corrections: Readonly<CorrectionRule>;
}

const enum MealBolus {
  None = 0,
  Now = 1,
  Late = 2,
}

/** Carbs as the person counts them: their bias and error (relative SD). */
export function countedCarbsGrams(habits: Habits, carbsGrams: number, countingNoise: number): number {
  return Math.max(0, carbsGrams * (1 + habits.carbCountBias + habits.carbCountErrorSd * countingNoise));
}

/** The person's decision streams (controllers/index.ts personStreams): the same under every therapy. */
export interface PersonStreams {
  meals: RandomStream;
  hypo: RandomStream;
  corrections: RandomStream;
}

export interface PersonActions {
  eat: Food[];
  bolusUnits: number;
  restUntilMinute: number;
}

export class Person {
  private readonly mealBolus: Uint8Array;
  private readonly lateBolusDelayMin: Float64Array;
  private readonly countingNoise: Float64Array;
  private nextMeal = 0;
  private pendingBolusMinute = -1;
  private pendingBolusCountedCarbs = 0;
  private lastHypoTreatmentMinute = -1e9;
  private lastBolusMinute = -1e9;
  private lastCorrectionCheckMinute = -1e9;
  private lastAlarmMinute = -1e9;
  private restUntilMinute = -1;
  private readonly actions: PersonActions = { eat: [], bolusUnits: 0, restUntilMinute: -1 };

  constructor(
    private readonly habits: Habits,
    private readonly meals: PlannedMeals,
    mealStream: RandomStream,
    private readonly hypoStream: RandomStream,
    private readonly correctionStream: RandomStream,
    private readonly timeline: TherapyTimeline,
  ) {
    this.mealBolus = new Uint8Array(meals.count);
    this.lateBolusDelayMin = new Float64Array(meals.count);
    this.countingNoise = new Float64Array(meals.count);
    for (let i = 0; i < meals.count; i++) {
      const snack = meals.isSnack[i] === 1;
      const bolusesSnack = bernoulli(mealStream, habits.snackBolusProbability);
      const forgets = bernoulli(mealStream, habits.missedBolusProbability);
      const late = bernoulli(mealStream, habits.lateBolusProbability);
      this.lateBolusDelayMin[i] = Math.round(uniformBetween(mealStream, 15, 60));
      this.countingNoise[i] = mealStream.normal();
      this.mealBolus[i] = (snack && !bolusesSnack) || forgets ? MealBolus.None : late ? MealBolus.Late : MealBolus.Now;
    }
  }

  /** The person's decisions this minute; doses through `device`. */
  act(now: ControllerInputs, device: BolusCalculator): PersonActions {
    const { habits, meals, timeline, actions } = this;
    const { minute, cgmMgdl } = now;
    actions.eat.length = 0;
    let bolusUnits = 0;

    while (this.nextMeal < meals.count && meals.minute[this.nextMeal]! <= minute) {
      const meal = this.nextMeal++;
      const grams = meals.carbsGrams[meal]!;
      const snack = meals.isSnack[meal] === 1;
      actions.eat.push({ grams, rateGPerMin: snack ? FAST_EATING_RATE_G_PER_MIN : MEAL_EATING_RATE_G_PER_MIN, fast: snack });
      timeline.mealMinutes.push(minute);
      timeline.mealGrams.push(grams);
      const counted = countedCarbsGrams(habits, grams, this.countingNoise[meal]!);
      if (this.mealBolus[meal] === MealBolus.Now) {
        device.carbsEntered?.(counted, minute);
        bolusUnits += device.mealBolusUnits(counted, now);
      } else if (this.mealBolus[meal] === MealBolus.Late) {
        this.pendingBolusMinute = minute + this.lateBolusDelayMin[meal]!;
        this.pendingBolusCountedCarbs = counted;
      }
    }
    if (this.pendingBolusMinute >= 0 && minute >= this.pendingBolusMinute) {
      device.carbsEntered?.(this.pendingBolusCountedCarbs, minute);
      bolusUnits += device.mealBolusUnits(this.pendingBolusCountedCarbs, now);
      this.pendingBolusMinute = -1;
    }

    // Awake, a CGM below 70 is noticed after a while (impaired awareness: much later); asleep, only
    // a CGM alarm below 55 can wake the person, and alarms are slept through. Treated with fast
    // carbs, re-treated after 15 min, resting for 20–30 min.
    const { hypoStream } = this;
    if (cgmMgdl < 70 && minute - this.lastHypoTreatmentMinute >= 15) {
      const notices = now.asleep
        ? cgmMgdl < 55 &&
          minute - this.lastAlarmMinute >= 15 &&
          ((this.lastAlarmMinute = minute), bernoulli(hypoStream, habits.nightAlarmWakeProbability))
        : bernoulli(hypoStream, habits.hypoNoticeProbabilityPerMin * (now.moving ? EXERCISE_MASKS_HYPO_FACTOR : 1));
      if (notices) {
        actions.eat.push({ grams: habits.hypoTreatmentGrams, rateGPerMin: FAST_EATING_RATE_G_PER_MIN, fast: true });
        this.lastHypoTreatmentMinute = minute;
        timeline.hypoTreatmentMinutes.push(minute);
        this.restUntilMinute = minute + 20 + Math.round(10 * hypoStream.uniform());
      }
    }
    // A high is corrected by the device's rule (CorrectionRule above); asleep, if the alert wakes them.
    const rule = device.corrections;
    if (highCorrectionDue(rule, cgmMgdl, now.asleep, minute - this.lastBolusMinute, minute - this.lastCorrectionCheckMinute)) {
      this.lastCorrectionCheckMinute = minute;
      const awake = !now.asleep || bernoulli(this.correctionStream, habits.nightAlarmWakeProbability);
      if (awake && bernoulli(this.correctionStream, correctionChance(habits.correctionProbability, cgmMgdl))) {
        // People correct cautiously: ~80 % of what the arithmetic says.
        bolusUnits += Math.max(0, device.correctionUnits(now, rule.aboveMgdl) * 0.8);
      }
    }
    bolusUnits = device.roundDose(bolusUnits);
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
