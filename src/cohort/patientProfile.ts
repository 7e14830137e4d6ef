import { loadQuest, loadVirtualPatients } from './uvaPadovaParameters.ts';
import type { GlucoseInsulinParameters } from '../physiology/glucoseInsulin.ts';
import { solveSteadyState } from '../physiology/steadyState.ts';
import { normalBetween, randomStream, uniformBetween, type RandomStream } from '../util/random.ts';

export type Gender = 'M' | 'F';

/** Everything that is fixed for one patient: demographics, model, therapy and habits. */
export interface PatientProfile {
  patientIndex: number;
  patientId: string;
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
  /** Basal insulin actually delivered, U/min (u2ss·BW/6000 times the patient's basal mismatch). */
  basalUnitsPerMin: number;
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
  /** Fractional sensitivity rise in the small hours (circadian; the classic night-time hypo window). */
  nocturnalSensitivityRise: number;
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

const ADULT_SETS = () => loadVirtualPatients().filter((p) => p.name.startsWith('adult#'));

const logNormal = (rng: RandomStream, median: number, sigma: number) => median * Math.exp(sigma * rng.normal());

/** Draws patient `patientIndex` of a cohort seeded with `randomSeed`. Pure and deterministic. */
export function drawPatientProfile(randomSeed: number, patientIndex: number): PatientProfile {
  const rng = randomStream(randomSeed, patientIndex, 'profile');

  const gender: Gender = rng.uniform() < 0.5 ? 'M' : 'F';
  const age = Math.round(normalBetween(rng, 42, 15, 18, 85));
  const heightCm = round(gender === 'M' ? normalBetween(rng, 176, 7, 155, 205) : normalBetween(rng, 163, 6.5, 145, 190), 1);
  const bmi = round(Math.min(48, Math.max(17, logNormal(rng, 25.5, 0.17))), 1);
  const weightKg = round(bmi * (heightCm / 100) ** 2, 2);
  const restingHeartRateBpm = Math.round(
    normalBetween(rng, 67 + (gender === 'F' ? 2 : 0) + 0.3 * (bmi - 25), 8, 48, 95),
  );
  const maxHeartRateBpm = round(208 - 0.7 * age, 1); // Tanaka 2001
  // Higher BMI, lower insulin sensitivity; 1.0 = the published parameter set's own sensitivity.
  const insulinSensitivityFactor = round(
    Math.min(1.5, Math.max(0.1, logNormal(rng, 0.95, 0.25) * (25 / bmi) ** 0.6)),
    3,
  );

  // Model: a published adult set, perturbed log-normally, scaled to this person.
  const sets = ADULT_SETS();
  const base = sets[Math.floor(rng.uniform() * sets.length)]!;
  const quest = loadQuest().get(base.name)!;
  const jitter = () => Math.exp(0.1 * rng.normal());
  const sensitivity = insulinSensitivityFactor;
  const modelWithoutBasal = {
    BW: weightKg,
    kabs: base.kabs * jitter(), kmax: base.kmax * jitter(), kmin: base.kmin * jitter(),
    b: base.b, d: base.d, f: base.f,
    Vg: base.Vg, Vi: base.Vi,
    Vmx: base.Vmx * sensitivity, Km0: base.Km0, Vm0: base.Vm0 * jitter(), k1: base.k1, k2: base.k2,
    p2u: base.p2u * jitter(),
    m1: base.m1, m2: base.m2, m4: base.m4, m30: base.m30, ki: base.ki * jitter(),
    kp2: base.kp2, kp3: base.kp3 * sensitivity,
    ke1: base.ke1, ke2: base.ke2, Fsnc: base.Fsnc,
    kd: base.kd * jitter(), ka1: base.ka1 * jitter(), ka2: base.ka2 * jitter(), ksc: base.ksc * jitter(),
    restingHeartRateBpm,
  };
  // Less sensitive people need more basal insulin; the steady state is re-solved, never broken.
  const u2ss = base.u2ss / Math.sqrt(sensitivity);
  const basalGlucoseMgdl = normalBetween(rng, base.Gb, 10, 110, 170);
  const steady = solveSteadyState(modelWithoutBasal, u2ss, basalGlucoseMgdl);
  const model: GlucoseInsulinParameters = { ...modelWithoutBasal, Ib: steady.Ib, kp1: steady.kp1 };

  // One latent trait spreads control from good to poor (PHYSIOLOGY.md: that variability is what
  // makes the realistic spread of time in range).
  const struggle = rng.uniform() ** 0.8;
  // Real basal doses are not perfectly titrated, and more often too low than too high.
  const basalMismatch = Math.exp(normalBetween(rng, -0.6 - 0.5 * struggle ** 2, 0.12, -1.2, 0.0));
  const therapy: TherapySettings = {
    basalUnitsPerMin: ((u2ss * weightKg) / 6000) * basalMismatch,
    carbRatioGramsPerUnit: round(quest.carbRatioGramsPerUnit * sensitivity * jitter(), 1),
    // Quest's CF is for the published body weight; the glucose drop per unit scales as 1/BW.
    correctionFactorMgdlPerUnit: round(quest.correctionFactorMgdlPerUnit * sensitivity * (base.BW / weightKg) * jitter(), 1),
    targetGlucoseMgdl: 120,
  };

  const fitness = Math.max(0.05, Math.min(0.8, 0.5 - 0.005 * (age - 30) - 0.02 * (bmi - 25)));
  const habits: Habits = {
    controlStruggle: struggle,
    snackBolusProbability: 0.7 - 0.5 * struggle,
    sensitivityVariabilitySd: uniformBetween(rng, 0.2, 0.38),
    dawnPhenomenon: uniformBetween(rng, 0, 0.3),
    nocturnalSensitivityRise: uniformBetween(rng, 0, 0.35),
    carbCountErrorSd: 0.15 + 0.3 * struggle,
    carbCountBias: normalBetween(rng, -0.08 - 0.25 * struggle, 0.08, -0.5, 0.2),
    // Impaired hypo awareness in ~25–35% of T1D (Geddes 2008): low glucose is noticed much later.
    hypoNoticeProbabilityPerMin: rng.uniform() < 0.3 ? 0.02 : 0.12,
    nightAlarmWakeProbability: uniformBetween(rng, 0.05, 0.35),
    missedBolusProbability: 0.01 + 0.35 * struggle ** 2,
    lateBolusProbability: 0.05 + 0.3 * struggle,
    correctionProbability: 0.95 - 0.6 * struggle,
    hypoTreatmentGrams: Math.round(uniformBetween(rng, 12, 25)),
    exerciseProbabilityPerDay: fitness,
    walkingBoutsPerDay: uniformBetween(rng, 2, 7),
    sleepOnsetHour: normalBetween(rng, 23, 0.8, 21, 25.5),
    sleepDurationHours: normalBetween(rng, 7.3, 0.7, 5.5, 9.5),
    mealPortionScale: Math.min(1.3, Math.max(0.7, (weightKg / 75) ** 0.5 * jitter())),
  };

  // Cardiac autonomic neuropathy: ~20% of adults with T1D, more with age (DCCT/EDIC; Pop-Busui 2017).
  const autonomicNeuropathy = rng.uniform() < Math.min(0.45, 0.05 + 0.005 * (age - 18));
  const wearable: WearableBaselines = {
    autonomicNeuropathy,
    qtcMs: normalBetween(rng, 405 + (gender === 'F' ? 10 : 0), 18, 360, 460),
    sdnnRestMs: Math.max(8, logNormal(rng, 62 - 0.5 * (age - 20), 0.22) * (autonomicNeuropathy ? 0.4 : 1)),
    respiratoryRateRestRpm: normalBetween(rng, 14.5, 1.5, 11, 19),
    spo2RestPct: normalBetween(rng, 97.8, 0.8, 95.5, 99.5),
    skinTemperatureDayC: normalBetween(rng, 33.3, 0.6, 31.5, 35),
    edaTonicMicroSiemens: logNormal(rng, 1.2, 0.6),
    strideCadenceSpm: normalBetween(rng, 112, 7, 95, 128),
  };

  return {
    patientIndex,
    patientId: patientIdFor(randomSeed, patientIndex),
    age, gender, bmi, heightCm, weightKg, restingHeartRateBpm, maxHeartRateBpm, insulinSensitivityFactor,
    baseParameterSet: base.name,
    model,
    initialState: steady.state,
    basalGlucoseMgdl,
    therapy,
    habits,
    wearable,
  };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
