import type { PatientProfile } from '../cohort/patientProfile.ts';
import { F, FEATURE_NAMES } from '../domain/features.ts';
import { cgmNoiseSeries, cgmReadingMgdl } from '../physiology/cgmSensor.ts';
import {
  Rk4Integrator,
  S,
  carbsInStomachGrams,
  insulinOnBoardUnits,
  interstitialGlucoseMgdl,
  type ModelInputs,
} from '../physiology/glucoseInsulin.ts';
import { correctionUnits, mealBolusUnits, roundDose } from './therapy.ts';
import * as wear from '../physiology/wearables.ts';
import { bernoulli, randomStream, uniformBetween } from '../util/random.ts';
import { ActivityKind } from '../domain/activity.ts';
import { planSchedule } from './dailySchedule.ts';

/** RK4 sub-steps per simulated minute (measured against a fine-step reference in the tests). */
export const RK4_SUBSTEPS_PER_MINUTE = 2;
/** Eating speed of fast carbs (snacks, hypo treatment), g/min (simglucose). */
const FAST_EATING_RATE_G_PER_MIN = 5;
/** A mixed meal is eaten over ~20–30 min: carbohydrate reaches the stomach more slowly. */
const MEAL_EATING_RATE_G_PER_MIN = 2.5;
/** Intensity of everyday sitting and pottering, below which the exercise model sees no exercise. */
const SEDENTARY_INTENSITY = 0.2;
/** Sweating and a racing heart during exercise mask hypoglycemia symptoms: noticed less often. */
const EXERCISE_MASKS_HYPO_FACTOR = 0.15;
/** Short-term SDNN rarely exceeds ~180 ms even in deep sleep of the young. */
const MAX_SDNN_MS = 180;
/** Time constant of day-to-day insulin-sensitivity drift, min. */
const SENSITIVITY_TAU_MIN = 240;

/** One patient's simulated minutes: one Float64Array per signal, in FEATURE_NAMES order. */
export interface PatientSeries {
  totalMinutes: number;
  signals: Float64Array[];
  /** True plasma glucose (mg/dL), for diagnostics; not an output column. */
  plasmaGlucoseMgdl: Float64Array;
  events: { meals: number; boluses: number; missedBoluses: number; hypoTreatments: number; corrections: number; exerciseSessions: number };
  /** When things happened (a few dozen entries a day): for the report's example patient-day. */
  timeline: { mealMinutes: number[]; mealGrams: number[]; bolusMinutes: number[]; bolusUnits: number[]; hypoTreatmentMinutes: number[]; activityKind: Uint8Array };
}

const round = (value: number, step: number) => Math.round(value / step) * step;

export interface SimulationOptions {
  /** Override the RK4 sub-steps (tests compare against a fine-step reference). */
  subStepsPerMinute?: number;
}

/** Simulates `totalMinutes` of one patient's life. Deterministic in (seed, patient index). */
export function simulatePatient(randomSeed: number, profile: PatientProfile, totalMinutes: number, options: SimulationOptions = {}): PatientSeries {
  const subSteps = options.subStepsPerMinute ?? RK4_SUBSTEPS_PER_MINUTE;
  const { model, therapy, habits, wearable } = profile;
  const schedule = planSchedule(randomSeed, profile.patientIndex, habits, totalMinutes);
  const behaviourRng = randomStream(randomSeed, profile.patientIndex, 'behaviour');
  const sensorRng = randomStream(randomSeed, profile.patientIndex, 'sensor');
  const wearableRng = randomStream(randomSeed, profile.patientIndex, 'wearable');
  const cgmNoise = cgmNoiseSeries(sensorRng, totalMinutes + 1);

  const signals = FEATURE_NAMES.map(() => new Float64Array(totalMinutes));
  const plasmaGlucoseMgdl = new Float64Array(totalMinutes);
  const state = Float64Array.from(profile.initialState);
  const integrator = new Rk4Integrator();
  const inputs: ModelInputs = { carbIntakeMgPerMin: 0, insulinPmolPerKgPerMin: 0, mealDoseMg: 0, heartRateExcessBpm: 0, insulinSensitivityMultiplier: 1 };
  const unitsPerMinToPmolPerKgPerMin = 6000 / model.BW;
  // Units that sit in the subcutaneous depots at steady basal delivery (Isc1 = u/(ka1+kd), Isc2 = kd·Isc1/ka2).
  const basalDepotUnits = (therapy.basalUnitsPerMin / (model.ka1 + model.kd)) * (1 + model.kd / model.ka2);
  const timeline: PatientSeries['timeline'] = { mealMinutes: [], mealGrams: [], bolusMinutes: [], bolusUnits: [], hypoTreatmentMinutes: [], activityKind: schedule.kind };
  const events = { meals: 0, boluses: 0, missedBoluses: 0, hypoTreatments: 0, corrections: 0, exerciseSessions: schedule.exerciseSessions };

  // Behaviour state.
  let carbsLeftToEatGrams = 0;
  let eatingRateGPerMin = FAST_EATING_RATE_G_PER_MIN;
  let nextMeal = 0;
  let pendingBolusMinute = -1; // a late bolus waiting to be given
  let pendingBolusCarbs = 0;
  let lastHypoTreatmentMinute = -1e9;
  let lastBolusMinute = -1e9;
  let lastCorrectionCheckMinute = -1e9;
  let lastAlarmMinute = -1e9;

  // Wearable dynamic states.
  let intensity = schedule.intensityTarget[0]!;
  let heartRate = wear.activityHeartRateBpm(profile.restingHeartRateBpm, profile.maxHeartRateBpm, intensity, schedule.kind[0] === ActivityKind.Sleep);
  let skinTemperature = wearable.skinTemperatureDayC;
  let eda = wearable.edaTonicMicroSiemens;
  let nocturnalDip = 0;
  let restUntilMinute = -1; // hypoglycemia stops exercise: the person sits down and treats it
  // Slowly varying log insulin sensitivity (Ornstein–Uhlenbeck, τ = 4 h) plus the dawn phenomenon.
  const sensitivityDecay = Math.exp(-1 / SENSITIVITY_TAU_MIN);
  const sensitivityKick = habits.sensitivityVariabilitySd * Math.sqrt(1 - sensitivityDecay ** 2);
  let logSensitivity = habits.sensitivityVariabilitySd * behaviourRng.normal();

  for (let minute = 0; minute < totalMinutes; minute++) {
    const asleep = schedule.kind[minute] === ActivityKind.Sleep;
    const cgm = cgmReadingMgdl(interstitialGlucoseMgdl(state, model), cgmNoise[minute]!);
    const iob = insulinOnBoardUnits(state, model);
    const bolusIob = Math.max(0, iob - basalDepotUnits);
    let bolusUnits = 0;

    // Meals: start eating; the bolus comes with it, late, or never.
    while (nextMeal < schedule.meals.count && schedule.meals.minute[nextMeal]! <= minute) {
      const grams = schedule.meals.carbsGrams[nextMeal]!;
      const snack = schedule.meals.isSnack[nextMeal] === 1;
      startEating(grams, snack ? FAST_EATING_RATE_G_PER_MIN : MEAL_EATING_RATE_G_PER_MIN);
      events.meals++;
      timeline.mealMinutes.push(minute);
      timeline.mealGrams.push(grams);
      const bolusesThisMeal = !snack || bernoulli(behaviourRng, habits.snackBolusProbability);
      if (!bolusesThisMeal || bernoulli(behaviourRng, habits.missedBolusProbability)) {
        events.missedBoluses += bolusesThisMeal ? 1 : 0;
      } else if (bernoulli(behaviourRng, habits.lateBolusProbability)) {
        pendingBolusMinute = minute + Math.round(uniformBetween(behaviourRng, 15, 60));
        pendingBolusCarbs = grams;
      } else {
        bolusUnits += mealBolusUnits(therapy, habits, grams, cgm, bolusIob, behaviourRng.normal());
      }
      nextMeal++;
    }
    if (pendingBolusMinute >= 0 && minute >= pendingBolusMinute) {
      bolusUnits += mealBolusUnits(therapy, habits, pendingBolusCarbs, cgm, bolusIob, behaviourRng.normal());
      pendingBolusMinute = -1;
    }
    // Hypoglycemia: awake, the person notices a CGM below 70 after a while (impaired awareness:
    // much later), stops any activity and takes fast carbs, re-treating after 15 min; asleep, only
    // a CGM alarm below 55 can wake them, and alarms are slept through.
    const movingNow = schedule.kind[minute] === ActivityKind.Walking || schedule.kind[minute] === ActivityKind.Exercise;
    if (cgm < 70 && minute - lastHypoTreatmentMinute >= 15) {
      const notices = asleep
        ? cgm < 55 && minute - lastAlarmMinute >= 15 && ((lastAlarmMinute = minute), bernoulli(behaviourRng, habits.nightAlarmWakeProbability))
        : bernoulli(behaviourRng, habits.hypoNoticeProbabilityPerMin * (movingNow ? EXERCISE_MASKS_HYPO_FACTOR : 1));
      if (notices) {
        startEating(habits.hypoTreatmentGrams, FAST_EATING_RATE_G_PER_MIN);
        lastHypoTreatmentMinute = minute;
        timeline.hypoTreatmentMinutes.push(minute);
        restUntilMinute = minute + 20 + Math.round(10 * behaviourRng.uniform());
        events.hypoTreatments++;
      }
    }
    // Stand-alone correction of persistent highs, checked hourly when awake and no recent bolus.
    if (!asleep && cgm > 250 && minute - lastBolusMinute > 180 && minute - lastCorrectionCheckMinute >= 60) {
      lastCorrectionCheckMinute = minute;
      if (bernoulli(behaviourRng, habits.correctionProbability)) {
        const units = correctionUnits(therapy, cgm, bolusIob, 250) * 0.8;
        if (units > 0) {
          bolusUnits += units;
          events.corrections++;
        }
      }
    }
    bolusUnits = roundDose(bolusUnits);
    if (bolusUnits > 0) {
      events.boluses++;
      timeline.bolusMinutes.push(minute);
      timeline.bolusUnits.push(bolusUnits);
      lastBolusMinute = minute;
    }

    // Activity and heart rate (first-order responses, ~2 min and ~0.7 min); a treated hypo means rest.
    const intensityTarget = minute < restUntilMinute ? Math.min(schedule.intensityTarget[minute]!, 0.12) : schedule.intensityTarget[minute]!;
    intensity += (intensityTarget - intensity) * 0.4;
    const glucoseForSymptoms = state[S.Gp]! / model.Vg;
    const hypoSeverity = wear.hypoglycemiaSeverity(glucoseForSymptoms);
    const activityHr = wear.activityHeartRateBpm(profile.restingHeartRateBpm, profile.maxHeartRateBpm, intensity, asleep);
    // Fast vagal recovery: heart rate falls 12–25 bpm in the first minute after effort (Cole 1999).
    heartRate += (activityHr + wear.hypoglycemiaHeartRateRiseBpm(hypoSeverity) - heartRate) * 0.75;

    // Record the minute.
    // Wrist PPG heart rate: ±1.5 bpm at rest, motion artefacts grow with movement (Bent 2020).
    const hrReading = Math.round(heartRate + (1.5 + 14 * Math.max(0, intensity - 0.25)) * wearableRng.normal());
    const sdnn = wear.hrvSdnnMs(wearable.sdnnRestMs, profile.restingHeartRateBpm, heartRate, asleep, hypoSeverity) * Math.exp(0.12 * wearableRng.normal());
    const qt = wear.qtIntervalMs(wear.qtcMs(wearable.qtcMs, glucoseForSymptoms), heartRate) + 4 * wearableRng.normal();
    nocturnalDip = asleep ? Math.max(0, 0.9 * nocturnalDip + 0.5 * wearableRng.normal()) : 0;
    skinTemperature += (wear.skinTemperatureTargetC(wearable.skinTemperatureDayC, asleep, intensity, hypoSeverity) - skinTemperature) * 0.05;
    eda += (wear.edaTargetMicroSiemens(wearable.edaTonicMicroSiemens, asleep, intensity, hypoSeverity) - eda) * 0.2;
    const steps = wear.stepsPerMinute(schedule.kind[minute]!, intensity, wearable.strideCadenceSpm, wearableRng.normal());

    signals[F.glucose_mgdl]![minute] = cgm;
    signals[F.heart_rate_bpm]![minute] = hrReading;
    signals[F.hrv_sdnn]![minute] = round(Math.min(MAX_SDNN_MS, Math.max(3, sdnn)), 0.1);
    signals[F.respiratory_rate_rpm]![minute] = round(wear.respiratoryRateRpm(wearable.respiratoryRateRestRpm, intensity, asleep, hypoSeverity) + 0.5 * wearableRng.normal(), 0.1);
    signals[F.spo2_pct]![minute] = Math.min(100, Math.round(wear.spo2Pct(wearable.spo2RestPct, intensity, nocturnalDip) + 0.4 * wearableRng.normal()));
    signals[F.steps_per_minute]![minute] = steps;
    signals[F.vertical_acceleration_g]![minute] = round(wear.verticalAccelerationG(steps, intensity, wearableRng.normal()), 0.01);
    signals[F.skin_temperature_c]![minute] = round(skinTemperature + 0.05 * wearableRng.normal(), 0.01);
    signals[F.eda_microsiemens]![minute] = round(Math.max(0.05, eda * Math.exp(0.05 * wearableRng.normal())), 0.01);
    signals[F.qt_interval_ms]![minute] = Math.round(qt);
    signals[F.insulin_on_board]![minute] = round(iob, 0.01);
    signals[F.carbs_in_stomach]![minute] = round(carbsInStomachGrams(state) + carbsLeftToEatGrams, 0.1);
    signals[F.activity_intensity]![minute] = round(intensity, 0.001);
    signals[F.hour_of_day]![minute] = (minute % 1440) / 60;
    plasmaGlucoseMgdl[minute] = glucoseForSymptoms;

    // Advance the body one minute.
    const eatenGrams = Math.min(carbsLeftToEatGrams, eatingRateGPerMin);
    carbsLeftToEatGrams -= eatenGrams;
    inputs.carbIntakeMgPerMin = eatenGrams * 1000;
    inputs.insulinPmolPerKgPerMin = (therapy.basalUnitsPerMin + bolusUnits) * unitsPerMinToPmolPerKgPerMin;
    // The exercise model's HRb is the person's everyday (sedentary) heart rate, not the sleeping one.
    logSensitivity = logSensitivity * sensitivityDecay + sensitivityKick * behaviourRng.normal();
    const hourOfDay = (minute % 1440) / 60;
    const dawn = habits.dawnPhenomenon * Math.exp(-(((hourOfDay - 6) / 1.5) ** 2));
    const smallHours = habits.nocturnalSensitivityRise * Math.exp(-(((hourOfDay - 2) / 1.5) ** 2));
    inputs.insulinSensitivityMultiplier = Math.exp(Math.max(-0.7, Math.min(0.5, logSensitivity))) * (1 - dawn) * (1 + smallHours);
    inputs.heartRateExcessBpm = Math.max(0, intensity - SEDENTARY_INTENSITY) * (profile.maxHeartRateBpm - profile.restingHeartRateBpm);
    integrator.step(state, model, inputs, 1, subSteps);
  }
  return { totalMinutes, signals, plasmaGlucoseMgdl, events, timeline };

  function startEating(grams: number, rateGPerMin: number) {
    eatingRateGPerMin = carbsLeftToEatGrams > 0 ? Math.max(eatingRateGPerMin, rateGPerMin) : rateGPerMin;
    // D: what is in the stomach when the meal starts plus the meal (Dalla Man 2006), mg.
    inputs.mealDoseMg = state[S.Qsto1]! + state[S.Qsto2]! + (carbsLeftToEatGrams + grams) * 1000;
    carbsLeftToEatGrams += grams;
  }
}
