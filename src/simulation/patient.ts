// The patient: the body the controller acts on. Digestion of what is eaten, the UVA/Padova
// glucose–insulin ODE (with exercise), day-to-day and circadian insulin sensitivity, and how
// activity and a low move the heart. What the body is, not what any device measures.
import type { PatientProfile } from '../cohort/patientProfile.ts';
import {
  Rk4Integrator,
  S,
  carbsInStomachGrams,
  insulinOnBoardUnits,
  interstitialGlucoseMgdl,
  mealCarbsInStomachGrams,
  plasmaGlucoseMgdl,
  restingInputs,
} from '../physiology/glucoseInsulin.ts';
import { circadianBumpByMinute, DAWN_HOUR } from '../physiology/circadian.ts';
import { SensitivityDrift } from '../physiology/sensitivityDrift.ts';
import * as wear from '../physiology/wearables.ts';
import type { RandomStream } from '../util/random.ts';

/** Intensity of everyday sitting and pottering, below which the exercise model sees no exercise. */
const SEDENTARY_INTENSITY = 0.2;

// Late-onset post-exercise sensitivity: besides the effect during and just after exercise (the
// Dalla Man 2009 model), insulin sensitivity rises again 7–11 h after moderate afternoon exercise
// (McMahon et al. 2007, J Clin Endocrinol Metab 92:963–968), the reason afternoon exercise nearly
// doubles nocturnal hypoglycaemia in children (Tsalikian et al. 2005, J Pediatr 147:528–534).
// Modelled as effort above moderate intensity passed through four first-order stages of 160 min
// (impulse response peaking 8 h later); 45 min at 60 % of heart-rate reserve raises sensitivity by
// ~30 % at the peak (our calibration), at most by 60 %.
const LATE_EXERCISE_STAGES = 12;
const LATE_EXERCISE_STAGE_MIN = 45;
const LATE_EXERCISE_FROM_INTENSITY = 0.35;
const LATE_EXERCISE_GAIN = 10;
const LATE_EXERCISE_MAX_RISE = 0.6;

/** The dawn sensitivity bump by minute of the day (physiology/circadian.ts). */
const DAWN_SHAPE = circadianBumpByMinute(DAWN_HOUR);

/** Carbohydrate still being eaten on one route: swallowed at the fastest rate of what was started. */
export class EatingQueue {
  leftGrams = 0;
  private rateGPerMin = 0;

  add(grams: number, rateGPerMin: number): void {
    this.rateGPerMin = this.leftGrams > 0 ? Math.max(this.rateGPerMin, rateGPerMin) : rateGPerMin;
    this.leftGrams += grams;
  }

  /** Swallows this minute's share, mg. */
  swallowMg(): number {
    const grams = Math.min(this.leftGrams, this.rateGPerMin);
    this.leftGrams -= grams;
    return grams * 1000;
  }
}

export class PatientBody {
  /** Fraction of heart-rate reserve the current activity demands (first-order, ~2 min). */
  intensity: number;
  /** True heart rate, bpm (what a wrist sensor tries to measure). */
  heartRate: number;
  /** 0 in euglycaemia … 1 in severe hypoglycaemia: drives the symptoms. */
  hypoSeverity = 0;
  private readonly state: Float64Array;
  private readonly integrator = new Rk4Integrator();
  private readonly inputs = restingInputs();
  private readonly unitsPerMinToPmolPerKgPerMin: number;
  /** Units that sit in the subcutaneous depots at steady basal delivery (Isc1 = u/(ka1+kd), Isc2 = kd·Isc1/ka2). */
  private readonly basalDepotUnits: number;
  private readonly mealEating = new EatingQueue();
  private readonly fastEating = new EatingQueue();
  // Slowly varying insulin sensitivity (physiology/sensitivityDrift.ts); the dawn phenomenon and exercise on top.
  private readonly sensitivityDrift: SensitivityDrift;
  /** The late post-exercise effect's stages (intensity-minutes in transit). */
  private readonly lateExerciseStages = new Float64Array(LATE_EXERCISE_STAGES);

  constructor(
    private readonly profile: PatientProfile,
    startIntensity: number,
    asleepAtStart: boolean,
    private readonly subStepsPerMinute: number,
    rng: RandomStream,
  ) {
    const { model, therapy, habits } = profile;
    this.state = Float64Array.from(profile.initialState);
    this.unitsPerMinToPmolPerKgPerMin = 6000 / model.BW;
    this.basalDepotUnits = (therapy.basalUnitsPerMin / (model.ka1 + model.kd)) * (1 + model.kd / model.ka2);
    this.intensity = startIntensity;
    this.heartRate = wear.activityHeartRateBpm(profile.restingHeartRateBpm, profile.maxHeartRateBpm, startIntensity, asleepAtStart);
    this.sensitivityDrift = new SensitivityDrift(habits.sensitivityVariabilitySd, rng);
  }

  interstitialGlucoseMgdl(): number {
    return interstitialGlucoseMgdl(this.state, this.profile.model);
  }

  plasmaGlucoseMgdl(): number {
    return plasmaGlucoseMgdl(this.state, this.profile.model);
  }

  /** Insulin still in the subcutaneous depots (basal and bolus), U. */
  insulinOnBoardUnits(): number {
    return insulinOnBoardUnits(this.state, this.profile.model);
  }

  /** The bolus part of the insulin on board: what a bolus calculator subtracts. */
  bolusInsulinOnBoardUnits(): number {
    return Math.max(0, this.insulinOnBoardUnits() - this.basalDepotUnits);
  }

  /** Carbohydrate in the stomach plus what is still being eaten, g. */
  carbsInStomachGrams(): number {
    return carbsInStomachGrams(this.state) + this.mealEating.leftGrams + this.fastEating.leftGrams;
  }

  /**
   * Starts eating `grams` of carbohydrate at `rateGPerMin` (added to anything still being eaten):
   * a mixed meal through the UVA/Padova stomach, or `fast` sugars through their own quick route.
   */
  eat(grams: number, rateGPerMin: number, fast: boolean): void {
    if (fast) {
      this.fastEating.add(grams, rateGPerMin);
      return;
    }
    // D: what is in the stomach when the meal starts plus the meal (Dalla Man 2006), mg.
    this.inputs.mealDoseMg = this.state[S.Qsto1]! + this.state[S.Qsto2]! + (this.mealEating.leftGrams + grams) * 1000;
    this.mealEating.add(grams, rateGPerMin);
  }

  /** Activity follows what the person is doing (~2 min), the heart follows activity, digestion and a low. */
  moveAndRespond(intensityTarget: number, asleep: boolean): void {
    const { profile } = this;
    this.intensity += (intensityTarget - this.intensity) * 0.4;
    this.hypoSeverity = wear.hypoglycemiaSeverity(this.plasmaGlucoseMgdl());
    const activityHr = wear.activityHeartRateBpm(profile.restingHeartRateBpm, profile.maxHeartRateBpm, this.intensity, asleep);
    // Fast vagal recovery: heart rate falls 12–25 bpm in the first minute after effort (Cole 1999).
    // A meal being digested raises it too (the mixed meal's stomach, not sugars on their fast route).
    const digesting = wear.postprandialHeartRateRiseBpm(mealCarbsInStomachGrams(this.state));
    this.heartRate += (activityHr + digesting + wear.hypoglycemiaHeartRateRiseBpm(this.hypoSeverity) - this.heartRate) * 0.75;
  }

  /** Passes this minute's effort through the late post-exercise stages; returns the last stage's outflow per minute. */
  private lateExerciseEffect(): number {
    const stages = this.lateExerciseStages;
    const rate = 1 / LATE_EXERCISE_STAGE_MIN;
    let inflow = Math.max(0, this.intensity - LATE_EXERCISE_FROM_INTENSITY);
    for (let i = 0; i < stages.length; i++) {
      const outflow = stages[i]! * rate;
      stages[i] = stages[i]! + inflow - outflow;
      inflow = outflow;
    }
    return inflow;
  }

  /** Advances the body one minute: digestion (meals and fast sugars), `basalUnitsPerMin` plus `bolusUnits` insulin, sensitivity drift, the ODE. */
  advance(minute: number, basalUnitsPerMin: number, bolusUnits: number): void {
    const { profile, inputs } = this;
    const { habits } = profile;
    inputs.carbIntakeMgPerMin = this.mealEating.swallowMg();
    inputs.fastCarbIntakeMgPerMin = this.fastEating.swallowMg();
    inputs.insulinPmolPerKgPerMin = (basalUnitsPerMin + bolusUnits) * this.unitsPerMinToPmolPerKgPerMin;
    const drift = this.sensitivityDrift.step();
    const minuteOfDay = minute % 1440;
    const dawn = habits.dawnPhenomenon * DAWN_SHAPE[minuteOfDay]!;
    const afterExercise = Math.min(LATE_EXERCISE_MAX_RISE, LATE_EXERCISE_GAIN * this.lateExerciseEffect());
    inputs.insulinSensitivityMultiplier = drift * (1 - dawn) * (1 + afterExercise);
    // The exercise model's HRb is the person's everyday (sedentary) heart rate, not the sleeping one.
    inputs.heartRateExcessBpm = Math.max(0, this.intensity - SEDENTARY_INTENSITY) * (profile.maxHeartRateBpm - profile.restingHeartRateBpm);
    this.integrator.step(this.state, profile.model, inputs, 1, this.subStepsPerMinute);
  }
}
