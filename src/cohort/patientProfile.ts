import { loadQuest, loadVirtualPatients } from './uvaPadovaParameters.ts';
import {
  medianBmi,
  medianBreathingRateRpm,
  medianHeightCm,
  medianRestingHeartRateBpm,
  usualBedtimeHour,
  usualSleepHours,
} from './paediatricNorms.ts';
import { AGE_GROUPS, AGE_RANGE, THERAPIES, type AgeGroup, type CohortMix, type Therapy } from '../domain/cohort.ts';
import { circadianBump, DAWN_HOUR } from '../physiology/circadian.ts';
import type { GlucoseInsulinParameters } from '../physiology/glucoseInsulin.ts';
import { solveSteadyState } from '../physiology/steadyState.ts';
import { normalBetween, randomStream, uniformBetween, type RandomStream } from '../util/random.ts';

export type Gender = 'M' | 'F';

/** Everything that is fixed for one patient: demographics, model, therapy and habits. */
export interface PatientProfile {
  patientIndex: number;
  patientId: string;
  ageGroup: AgeGroup;
  therapyKind: Therapy;
  // Demographics (the nine contract columns).
  age: number;
  gender: Gender;
  bmi: number;
  heightCm: number;
  weightKg: number;
  restingHeartRateBpm: number;
  maxHeartRateBpm: number;
  insulinSensitivityFactor: number;
  // Glucose–insulin model.
  baseParameterSet: string;
  model: GlucoseInsulinParameters;
  initialState: Float64Array;
  basalGlucoseMgdl: number;
  // Therapy (multiple daily injections / pump basal–bolus).
  therapy: TherapySettings;
  habits: Habits;
  wearable: WearableBaselines;
}

export interface TherapySettings {
  /** Daily mean basal insulin, U/min (u2ss·BW/6000 times the patient's basal mismatch): the flat long-acting basal on pens. */
  basalUnitsPerMin: number;
  /** A pump's hourly basal profile, U/h (same daily total, shaped to the person's circadian need). */
  basalProfileUnitsPerHour: number[];
  carbRatioGramsPerUnit: number;
  correctionFactorMgdlPerUnit: number;
  targetGlucoseMgdl: number;
}

/** Per-patient behaviour that spreads control from good to poor (PHYSIOLOGY.md, meals and therapy). */
export interface Habits {
  /** 0 = meticulous, 1 = struggling: one latent trait behind the behaviours below. */
  controlStruggle: number;
  snackBolusProbability: number;
  /** Chance per minute of noticing (and acting on) a CGM below 70 while awake. */
  hypoNoticeProbabilityPerMin: number;
  /** Chance that a night-time CGM alarm (< 55 mg/dL) wakes the person, per 15-minute alarm. */
  nightAlarmWakeProbability: number;
  /** SD of the slowly varying log insulin sensitivity (day-to-day variability). */
  sensitivityVariabilitySd: number;
  /** Fractional sensitivity loss in the early morning (dawn phenomenon). */
  dawnPhenomenon: number;
  carbCountErrorSd: number; // relative SD of carb estimates
  carbCountBias: number; // relative bias (people tend to under-count)
  missedBolusProbability: number;
  lateBolusProbability: number;
  correctionProbability: number;
  hypoTreatmentGrams: number;
  exerciseProbabilityPerDay: number;
  walkingBoutsPerDay: number;
  sleepOnsetHour: number; // usual bedtime, hours after midnight (may exceed 24)
  sleepDurationHours: number;
  mealPortionScale: number;
  /** Chance of preparing for a planned exercise session (a temp basal or temp target on a pump or loop). */
  exercisePreparationProbability: number;
  /** Share of the time a closed loop is not running (no CGM link, pump changes, app stopped). */
  openLoopFraction: number;
}

/** Resting values of the wearable signals. */
export interface WearableBaselines {
  /** Cardiac autonomic neuropathy: low HRV, higher resting HR (a common T1D complication). */
  autonomicNeuropathy: boolean;
  qtcMs: number; // Bazett-corrected QT at rest
  sdnnRestMs: number; // short-term SDNN at resting heart rate
  respiratoryRateRestRpm: number;
  spo2RestPct: number;
  skinTemperatureDayC: number;
  edaTonicMicroSiemens: number;
  strideCadenceSpm: number; // usual walking cadence, steps/min
}

export function patientIdFor(randomSeed: number, patientIndex: number): string {
  return `s${randomSeed}-p${String(patientIndex).padStart(7, '0')}`;
}

const parameterSets = (group: AgeGroup) => loadVirtualPatients().filter((p) => p.name.startsWith(`${group}#`));

const logNormal = (rng: RandomStream, median: number, sigma: number) => median * Math.exp(sigma * rng.normal());

/** struggle = U^exponent, U uniform: a smaller exponent, more people who struggle (mean 1/(1 + exponent)). */
const STRUGGLE_EXPONENT: Record<AgeGroup, number> = { child: 0.35, adolescent: 0.18, adult: 0.3 };
/**
 * How far above the parameter set's basal glucose (Gb) a person's basal insulin holds their fasting
 * glucose, mg/dL: our calibration, a rise that keeps every therapy × age cell of `npm run realism`
 * in its band once basal doses are drawn near the need and meals absorb at the everyday rate.
 * Adults' is higher since they miss fewer meal boluses (ADULT_MISSED_BOLUS_SCALE) and cover more
 * snacks (ADULT_SNACK_BOLUS_SHIFT): at 25, and with the shift at 30 (the realism test) and 33
 * (`npm run realism`), their pump-using or closed-loop cells rose above their time-in-range bands
 * (≤ 68 and ≤ 80 %). With the shorter interstitial delay (INTERSTITIAL_EXCHANGE_SCALE) people see
 * their glucose sooner and act on it sooner: at 35, pump-using adults sat at 68.2 %.
 */
const FASTING_LEVEL_ABOVE_GB: Record<AgeGroup, number> = { child: 25, adolescent: 25, adult: 37 };
/**
 * How widely that fasting level varies between people (SD, mg/dL, and the bounds it is clipped to).
 * Adults': calibrated on T1D-UOM, whose 3-day segments' mean glucose from 04:00 to 07:00 (after the
 * night, before breakfast) has an SD of 36.4 mg/dL across segments; with an SD of 10 the generated
 * adults' had 31.4, with 30 they have 35.8 (docs/FIDELITY.md §7). The young's is not calibrated.
 */
const YOUNG_FASTING_LEVEL_SPREAD = { sd: 10, min: 135, max: 195 };
const FASTING_LEVEL_SPREAD: Record<AgeGroup, { sd: number; min: number; max: number }> = {
  child: YOUNG_FASTING_LEVEL_SPREAD,
  adolescent: YOUNG_FASTING_LEVEL_SPREAD,
  adult: { sd: 30, min: 100, max: 280 },
};
/**
 * Adults miss a meal bolus at 0.4 of the rate the struggle rule gives the young: about 12 % of
 * meals, as in real-world smart-pen data (22,964 adults with CGM and a connected pen: 7.5 % of
 * breakfasts, 12.2 % of lunches and 11.1 % of dinners without a bolus from 15 min before to 60 min
 * after; Ampudia-Blasco et al., Diabetes 2024;73 Suppl 1:843-P). Without the factor, 30 %.
 */
const ADULT_MISSED_BOLUS_SCALE = 0.4;
/**
 * Per-person SD of log insulin sensitivity's drift (physiology/sensitivityDrift.ts), adults; the
 * young's is larger (see habits). Free-living adults on a closed loop needed overnight insulin with
 * a day-to-day CV of 31 % (SD 4 across people), daytime 22 %, whole days 17 % (Ruan et al.,
 * Diabetes Care 2016;39:830–832, 32 adults over 12 weeks). With the drift's 4-hour time constant
 * this range gives the median adult (SD 0.405) 27 %, 22 % and 19 %; before (0.2–0.38), 21, 17, 15.
 */
const SENSITIVITY_DRIFT_SD_RANGE: readonly [number, number] = [0.28, 0.53];

/**
 * Added to adults' chance of bolusing for a snack. T1D-UOM's adults (Alsuhaymi et al., Sci Data
 * 2025) bolus, from 15 min before to 60 min after, for their logged snacks at a per-person median
 * of 0.65 of the rate they bolus for their logged meals (12 people not known to be on a closed
 * loop, at least 10 of each; 0.70 with the two on a loop). Its bolus logs miss some doses, so the
 * ratio, not the rate, is what carries over. Without the shift our adults covered snacks at 0.36
 * of their meal rate; with it, 0.65.
 */
const ADULT_SNACK_BOLUS_SHIFT = 0.25;

/** A meal bolus forgotten: 2 % + 45 % × struggle², adults at ADULT_MISSED_BOLUS_SCALE of that. */
export function missedMealBolusProbability(struggle: number, ageGroup: AgeGroup): number {
  return (0.02 + 0.45 * struggle ** 2) * (ageGroup === 'adult' ? ADULT_MISSED_BOLUS_SCALE : 1);
}

/**
 * A snack covered by a bolus: 0.55 − 0.5 × struggle for the young (their carers cover fewer),
 * 0.7 − 0.5 × struggle + ADULT_SNACK_BOLUS_SHIFT for adults.
 */
export function snackBolusProbability(struggle: number, ageGroup: AgeGroup): number {
  return (ageGroup === 'adult' ? 0.7 + ADULT_SNACK_BOLUS_SHIFT : 0.55) - 0.5 * struggle;
}

/**
 * Everyday mixed meals reach the blood more slowly than the standard laboratory meal the UVA/Padova
 * sets were identified on: the parameter set's gut absorption rate kabs is halved. The direction
 * is ReplayBG's (Cappon et al., IEEE Trans Biomed Eng 2023): its prior for kabs, identified on
 * free-living type 1 data, has a median of 0.0043 per minute against the sets' adult median of 0.17
 * (its meal model is simpler, so the figure gives the direction, not the size). The size is our
 * calibration on T1D-UOM (docs/FIDELITY.md §7), with sugars on their fast route
 * (physiology/glucoseInsulin.ts): how a rise goes on, and how well a model trained on the data
 * forecasts real people.
 */
const EVERYDAY_MEAL_ABSORPTION_SCALE = 0.5;

/**
 * Glucose reaches the interstitial fluid a CGM reads with a delay. Measured directly with tracers
 * it is 5.3–6.2 min (Basu et al., Diabetes 2013;62:4083–4087: eight healthy adults, overnight
 * fasted); in type 1 diabetes, blood and sensor glucose turned 4–10 min apart with the sensor's
 * own delay included (Boyne et al., Diabetes 2003;52:2790–2794). The parameter sets' exchange
 * rate ksc gives time constants of 6.6–19.9 min (median 10.9 min for adults), so each person's
 * ksc is 1.8 times their set's: the adults' median is then 6.1 min, the sets' spread kept.
 */
const INTERSTITIAL_EXCHANGE_SCALE = 1.8;

/** Picks a name by its share with one uniform draw (shares in the given order; they sum to 1). */
export function pickByShare<Name extends string>(names: readonly Name[], shares: Record<Name, number>, uniform: number): Name {
  let cumulative = 0;
  for (const name of names) {
    cumulative += shares[name];
    if (uniform < cumulative && shares[name] > 0) return name;
  }
  // Rounding of shares that sum to 1 ± 1e-9: the last name with a share.
  return [...names].reverse().find((name) => shares[name] > 0)!;
}

/**
 * Draws patient `patientIndex` of a cohort seeded with `randomSeed`. Pure and deterministic. The
 * age group and the therapy come from streams of their own, and nothing about the person depends
 * on the therapy: the same seed, index and age mix give the same person whatever the therapy mix.
 */
export function drawPatientProfile(randomSeed: number, patientIndex: number, mix: CohortMix): PatientProfile {
  const ageGroup = pickByShare(AGE_GROUPS, mix.ageMix, randomStream(randomSeed, patientIndex, 'ageGroup').uniform());
  const therapyKind = pickByShare(THERAPIES, mix.therapyMix, randomStream(randomSeed, patientIndex, 'therapy').uniform());
  const rng = randomStream(randomSeed, patientIndex, 'profile');
  const adult = ageGroup === 'adult';
  const [minAge, maxAge] = AGE_RANGE[ageGroup];

  const gender: Gender = rng.uniform() < 0.5 ? 'M' : 'F';
  const age = adult ? Math.round(normalBetween(rng, 42, 15, minAge, maxAge)) : Math.floor(uniformBetween(rng, minAge, maxAge + 1));
  // Adults: national means; the young: the CDC growth charts' median for age and sex, ±4.5 % (about one centile band).
  const heightCm = adult
    ? round(gender === 'M' ? normalBetween(rng, 176, 7, 155, 205) : normalBetween(rng, 163, 6.5, 145, 190), 1)
    : round(medianHeightCm(age + 0.5, gender) * Math.exp(normalBetween(rng, 0, 0.045, -0.12, 0.12)), 1);
  const bmiMedian = adult ? 25.5 : medianBmi(age + 0.5, gender);
  const bmi = round(Math.min(48, Math.max(adult ? 17 : 12.5, logNormal(rng, bmiMedian, adult ? 0.17 : 0.13))), 1);
  const weightKg = round(bmi * (heightCm / 100) ** 2, 2);
  // Resting heart rate: adults around 67 bpm; the young at the Fleming (2011) median for age.
  const heartRateMedian = adult ? 67 + (gender === 'F' ? 2 : 0) + 0.3 * (bmi - 25) : medianRestingHeartRateBpm(age + 0.5);
  const restingHeartRateBpm = Math.round(normalBetween(rng, heartRateMedian, adult ? 8 : 9, adult ? 48 : 60, adult ? 95 : 125));
  // Tanaka 2001; the most accurate equation in children and adolescents too (meta-analysis, Rev Paul Pediatr 2023).
  const maxHeartRateBpm = round(208 - 0.7 * age, 1);
  // Higher BMI (for age), lower insulin sensitivity; 1.0 = the published parameter set's own sensitivity.
  const insulinSensitivityFactor = round(
    Math.min(1.5, Math.max(0.1, logNormal(rng, 0.95, 0.25) * ((adult ? 25 : bmiMedian) / bmi) ** 0.6)),
    3,
  );

  // Model: a published set of the person's age group, perturbed log-normally, scaled to this person.
  const sets = parameterSets(ageGroup);
  const base = sets[Math.floor(rng.uniform() * sets.length)]!;
  const quest = loadQuest().get(base.name)!;
  const jitter = () => Math.exp(0.1 * rng.normal());
  const sensitivity = insulinSensitivityFactor;
  const modelWithoutBasal = {
    BW: weightKg,
    kabs: base.kabs * EVERYDAY_MEAL_ABSORPTION_SCALE * jitter(),
    kmax: base.kmax * jitter(),
    kmin: base.kmin * jitter(),
    b: base.b,
    d: base.d,
    f: base.f,
    Vg: base.Vg,
    Vi: base.Vi,
    Vmx: base.Vmx * sensitivity,
    Km0: base.Km0,
    Vm0: base.Vm0 * jitter(),
    k1: base.k1,
    k2: base.k2,
    p2u: base.p2u * jitter(),
    m1: base.m1,
    m2: base.m2,
    m4: base.m4,
    m30: base.m30,
    ki: base.ki * jitter(),
    kp2: base.kp2,
    kp3: base.kp3 * sensitivity,
    ke1: base.ke1,
    ke2: base.ke2,
    Fsnc: base.Fsnc,
    kd: base.kd * jitter(),
    ka1: base.ka1 * jitter(),
    ka2: base.ka2 * jitter(),
    ksc: base.ksc * INTERSTITIAL_EXCHANGE_SCALE * jitter(),
    restingHeartRateBpm,
  };
  // Less sensitive people need more basal insulin; the steady state is re-solved, never broken.
  const u2ss = base.u2ss / Math.sqrt(sensitivity);
  // The fasting level the person's basal insulin holds (FASTING_LEVEL_ABOVE_GB, FASTING_LEVEL_SPREAD).
  const spread = FASTING_LEVEL_SPREAD[ageGroup];
  const basalGlucoseMgdl = normalBetween(rng, base.Gb + FASTING_LEVEL_ABOVE_GB[ageGroup], spread.sd, spread.min, spread.max);
  const steady = solveSteadyState(modelWithoutBasal, u2ss, basalGlucoseMgdl);
  const model: GlucoseInsulinParameters = { ...modelWithoutBasal, Ib: steady.Ib, kp1: steady.kp1 };

  // One latent trait spreads control from good to poor (docs/PHYSIOLOGY.md), skewed towards poor
  // control so that adults on injections sit near the registries' time in range (DPV 49–54 %,
  // Steno 2023 54 %). Adolescents struggle most: HbA1c peaks at 15–18 years (T1D Exchange, Foster
  // et al. 2019), mostly through missed boluses (Burdick et al. 2004). Children's carers do better.
  const struggle = rng.uniform() ** STRUGGLE_EXPONENT[ageGroup];
  // Real basal doses are not perfectly titrated, and more often too low than too high; short doses
  // make fasting glucose climb for hours, which T1D-UOM's and PhysioCGM's nights do not (docs/FIDELITY.md §7).
  const basalMismatch = Math.exp(normalBetween(rng, -0.05 - 0.3 * struggle ** 2, 0.15, -0.6, 0.35));
  const basalUnitsPerMin = ((u2ss * weightKg) / 6000) * basalMismatch;
  // Adults and adolescents: the published Quest settings of their parameter set. Children: from the
  // total daily dose by the paediatric rules (ISPAD 2022: carb ratio 500/TDD g/U, sensitivity
  // 100/TDD mmol/L per U = 1800/TDD mg/dL per U), the set's TDD scaled to this child's weight and
  // sensitivity, as a child's settings are worked out in clinic.
  const totalDailyInsulinUnits = (quest.totalDailyInsulinUnits * (weightKg / base.BW)) / sensitivity;
  const questSettings = ageGroup !== 'child';
  const carbRatioGramsPerUnit = questSettings
    ? round(quest.carbRatioGramsPerUnit * sensitivity * jitter(), 1)
    : round((500 / totalDailyInsulinUnits) * jitter(), 1);
  // Quest's CF is for the published body weight; the glucose drop per unit scales as 1/BW.
  const correctionFactorMgdlPerUnit = questSettings
    ? round(quest.correctionFactorMgdlPerUnit * sensitivity * (base.BW / weightKg) * jitter(), 1)
    : round((1800 / totalDailyInsulinUnits) * jitter(), 1);

  const young = !adult;
  const fitness = young ? uniformBetween(rng, 0.45, 0.8) : Math.max(0.05, Math.min(0.8, 0.5 - 0.005 * (age - 30) - 0.02 * (bmi - 25)));
  const dawnPhenomenon = uniformBetween(rng, 0, ageGroup === 'adolescent' ? 0.3 : 0.2);
  const habits: Habits = {
    controlStruggle: struggle,
    snackBolusProbability: snackBolusProbability(struggle, ageGroup),
    // The young's insulin needs vary more from day to day: growth and, in puberty, growth-hormone
    // driven insulin resistance (Amiel et al., NEJM 1986).
    sensitivityVariabilitySd:
      uniformBetween(rng, ...SENSITIVITY_DRIFT_SD_RANGE) * (ageGroup === 'child' ? 1.25 : ageGroup === 'adolescent' ? 1.4 : 1),
    dawnPhenomenon,
    // Children, adolescents and their carers misjudge carbs more (Smart et al., Diabet Med 2010).
    carbCountErrorSd: (0.15 + 0.3 * struggle) * (young ? 1.3 : 1),
    carbCountBias: normalBetween(rng, -0.18 - 0.3 * struggle, 0.08, -0.6, 0.2),
    // Impaired hypo awareness in ~25–35% of T1D (Geddes 2008): low glucose is noticed much later.
    // Young children often do not recognise a low themselves (the caregiver does, later).
    hypoNoticeProbabilityPerMin: rng.uniform() < 0.3 ? 0.02 : ageGroup === 'child' ? 0.07 : 0.12,
    // A parent hears a child's CGM alarm (or a follower app's) more often than a sleeping adult wakes.
    nightAlarmWakeProbability: uniformBetween(rng, 0.05, 0.35) + (ageGroup === 'child' ? 0.2 : 0),
    missedBolusProbability: missedMealBolusProbability(struggle, ageGroup),
    lateBolusProbability: 0.05 + 0.3 * struggle,
    correctionProbability: 0.9 - 0.75 * struggle,
    hypoTreatmentGrams: Math.round(young ? uniformBetween(rng, 8, 18) : uniformBetween(rng, 12, 25)),
    exerciseProbabilityPerDay: fitness,
    // Adults' everyday walks calibrated on T1D-UOM's and HUPA-UCM's step counts (simulation/scenario.ts).
    // Play and school: more unplanned activity for the young.
    walkingBoutsPerDay: uniformBetween(rng, 1.5, 5) * (young ? 1.6 : 1),
    sleepOnsetHour: adult ? normalBetween(rng, 23, 0.8, 21, 25.5) : normalBetween(rng, usualBedtimeHour(age + 0.5), 0.5, 19.5, 24.5),
    sleepDurationHours: adult ? normalBetween(rng, 7.3, 0.7, 5.5, 9.5) : normalBetween(rng, usualSleepHours(age + 0.5), 0.6, 7, 11.5),
    // Meal carbohydrate scales with energy needs, roughly with the square root of body weight;
    // adolescents in their growth spurt need as much as adults or more (IOM dietary reference
    // intakes 2005: estimated energy requirement of 14–18-year-olds).
    mealPortionScale: Math.min(1.3, Math.max(0.5, (weightKg / 75) ** 0.5 * (ageGroup === 'adolescent' ? 1.2 : 1) * jitter())),
    exercisePreparationProbability: Math.max(0.05, 0.7 - 0.6 * struggle) * (young ? 0.6 : 1),
    // Closed-loop mode ran ~90 % of the time in the pivotal trials and real-world cohorts; less for those who struggle (docs/PHYSIOLOGY.md §3).
    openLoopFraction: 0.05 + 0.3 * struggle,
  };

  // Cardiac autonomic neuropathy: ~20% of adults with T1D, more with age (DCCT/EDIC; Pop-Busui 2017); rare in the young.
  const autonomicNeuropathy = rng.uniform() < (adult ? Math.min(0.45, 0.05 + 0.005 * (age - 18)) : 0.02);
  const wearable: WearableBaselines = {
    autonomicNeuropathy,
    qtcMs: normalBetween(rng, 405 + (gender === 'F' ? 10 : 0), 18, 360, 460),
    sdnnRestMs: Math.max(8, logNormal(rng, 62 - 0.5 * (Math.max(age, 20) - 20), 0.22) * (autonomicNeuropathy ? 0.4 : 1)),
    respiratoryRateRestRpm: adult
      ? normalBetween(rng, 14.5, 1.5, 11, 19)
      : normalBetween(rng, medianBreathingRateRpm(age + 0.5), 1.8, 12, 28),
    spo2RestPct: normalBetween(rng, 97.8, 0.8, 95.5, 99.5),
    skinTemperatureDayC: normalBetween(rng, 33.3, 0.6, 31.5, 35),
    edaTonicMicroSiemens: logNormal(rng, 1.2, 0.6),
    strideCadenceSpm: normalBetween(rng, young ? 125 : 112, 7, 95, young ? 145 : 128),
  };

  // The pump profile: the same daily basal, shaped to the person's circadian need (more at dawn)
  // as far as their settings were titrated (a draw of its own, so the person above is the same
  // whatever the therapy).
  const titration = uniformBetween(randomStream(randomSeed, patientIndex, 'pumpSettings'), 0.3, 0.9);
  const therapy: TherapySettings = {
    basalUnitsPerMin,
    basalProfileUnitsPerHour: basalProfile(basalUnitsPerMin * 60, dawnPhenomenon, titration),
    carbRatioGramsPerUnit,
    correctionFactorMgdlPerUnit,
    targetGlucoseMgdl: young ? 130 : 120,
  };

  return {
    patientIndex,
    patientId: patientIdFor(randomSeed, patientIndex),
    ageGroup,
    therapyKind,
    age,
    gender,
    bmi,
    heightCm,
    weightKg,
    restingHeartRateBpm,
    maxHeartRateBpm,
    insulinSensitivityFactor,
    baseParameterSet: base.name,
    model,
    initialState: steady.state,
    basalGlucoseMgdl,
    therapy,
    habits,
    wearable,
  };
}

/**
 * Hourly basal rates (U/h, 0.05 U/h steps) with the given daily mean: the insulin the body needs
 * at each hour is inversely proportional to its sensitivity then (physiology/circadian.ts: the dawn
 * phenomenon around 06:00), matched to the power `titration`.
 */
export function basalProfile(meanUnitsPerHour: number, dawnPhenomenon: number, titration: number): number[] {
  const need = Array.from({ length: 24 }, (_, hour) => {
    const h = hour + 0.5;
    const dawn = dawnPhenomenon * circadianBump(h, DAWN_HOUR);
    return (1 / (1 - dawn)) ** titration;
  });
  const meanNeed = need.reduce((a, b) => a + b, 0) / 24;
  return need.map((n) => Math.max(0.05, Math.round(((meanUnitsPerHour * n) / meanNeed) * 20) / 20));
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
