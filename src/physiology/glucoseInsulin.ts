/**
 * UVA/Padova T1D glucose–insulin model (Dalla Man et al. 2007; the 2008 academic simulator as
 * implemented by simglucose) with the heart-rate-driven exercise extension of Dalla Man, Breton
 * & Cobelli 2009 (after Breton 2008), and a second, fast route for sugars taken on their own
 * (drinks, sweets, glucose tablets). Pure functions over a Float64Array state.
 */

/** Index of each state in the state vector. Units per kg body weight, as in the paper. */
export const S = {
  // Gut states are whole-body mg, as in simglucose (Ra divides by BW); the rest are per kg.
  Qsto1: 0, // stomach, solid (mg)
  Qsto2: 1, // stomach, liquid (mg)
  Qgut: 2, // gut (mg)
  Gp: 3, // plasma glucose (mg/kg)
  Gt: 4, // tissue glucose (mg/kg)
  Ip: 5, // plasma insulin (pmol/kg)
  X: 6, // insulin action on glucose utilisation (pmol/L)
  I1: 7, // delayed insulin signal I′ (pmol/L)
  Id: 8, // delayed insulin signal for the liver (pmol/L)
  Il: 9, // liver insulin (pmol/kg)
  Isc1: 10, // subcutaneous insulin, first compartment (pmol/kg)
  Isc2: 11, // subcutaneous insulin, second compartment (pmol/kg)
  Gs: 12, // subcutaneous glucose (mg/kg)
  Y: 13, // exercise: heart-rate signal above rest (bpm)
  Z: 14, // exercise: insulin-independent/sensitivity effect (dimensionless)
  W: 15, // exercise: accumulated heart-rate excess (bpm·min)
  // Fast carbohydrate, whole-body mg: swallowed, emptied and absorbed in three equal stages.
  Qfast1: 16, // stomach
  Qfast2: 17, // upper gut
  Qfast3: 18, // absorbing gut
} as const;
export const STATE_SIZE = 19;

export interface GlucoseInsulinParameters {
  BW: number; // body weight, kg
  kabs: number;
  kmax: number;
  kmin: number;
  b: number;
  d: number;
  f: number;
  Vg: number;
  Vi: number;
  Ib: number;
  Vmx: number;
  Km0: number;
  Vm0: number;
  k1: number;
  k2: number;
  p2u: number;
  m1: number;
  m2: number;
  m4: number;
  m30: number;
  ki: number;
  kp1: number;
  kp2: number;
  kp3: number;
  ke1: number;
  ke2: number;
  Fsnc: number;
  kd: number;
  ka1: number;
  ka2: number;
  ksc: number;
  /** Resting heart rate HRb used by the exercise model, bpm. */
  restingHeartRateBpm: number;
}

/** Inputs held constant over one integration step. */
export interface ModelInputs {
  /** Carbohydrate ingestion d of a mixed meal, mg/min. */
  carbIntakeMgPerMin: number;
  /** Fast carbohydrate swallowed (sugary drinks, sweets, glucose tablets), mg/min. */
  fastCarbIntakeMgPerMin: number;
  /** Subcutaneous insulin infusion u, pmol/kg/min (= U/min × 6000 / BW). */
  insulinPmolPerKgPerMin: number;
  /** Amount D in the stomach when the current meal started plus the meal, mg (0: no meal). */
  mealDoseMg: number;
  /** Heart rate above rest driven by physical activity, bpm (HR − HRb, >= 0). */
  heartRateExcessBpm: number;
  /**
   * Momentary insulin sensitivity relative to the patient's own (1 = as parameterised). Scales
   * Vmx and kp3: day-to-day and circadian variability (dawn phenomenon) that basal–bolus therapy
   * does not see. Departing from 1 moves glucose away from the basal steady state, as it should.
   */
  insulinSensitivityMultiplier: number;
}

/** Inputs with nothing eaten, no exercise and the person's own sensitivity: `insulin` pmol/kg/min only. */
export function restingInputs(insulinPmolPerKgPerMin = 0): ModelInputs {
  return {
    carbIntakeMgPerMin: 0,
    fastCarbIntakeMgPerMin: 0,
    insulinPmolPerKgPerMin,
    mealDoseMg: 0,
    heartRateExcessBpm: 0,
    insulinSensitivityMultiplier: 1,
  };
}

// Counter-regulation: below ~60 mg/dL adrenaline (glucagon's response is lost early in type 1
// diabetes) raises hepatic glucose output (Cryer 2008, Diabetes 57:3169–3176: blunted in T1D, not
// absent). The UVA/Padova equations alone let plasma glucose fall towards 0 under a large insulin
// excess; this term adds 0.1 mg/kg/min of glucose production per mg/dL below the threshold (at 40
// mg/dL about the basal output again: our calibration, which keeps severe lows in the 20s–40s).
const COUNTER_REGULATION_BELOW_MGDL = 60;
const COUNTER_REGULATION_MG_PER_KG_MIN_PER_MGDL = 0.1;

// Fast carbohydrate. Glucose or sucrose taken as a drink or tablets raises blood glucose within
// 10 minutes (Slama et al., Arch Intern Med 1990;150:589–593: 15 g in type 1 diabetes during
// insulin-induced hypoglycaemia; juice and gels hardly at 10 min); 16 g raised plasma glucose by
// 0.85 ± 0.66 mmol/L in 15 min in pump users (Gingras et al., Acta Diabetol 2018).
// The UVA/Padova meal route, identified on a mixed meal, lets such sugars appear over an hour or
// more. Three stages of 6.7 min each (mean transit 20 min) put the test's 16 g near those
// figures (test/fast/fastCarbs.test.ts); the rest of the sugar's fate (bioavailability f) is the meal's.
const FAST_CARB_STAGE_RATE_PER_MIN = 0.15;

// Exercise constants, Dalla Man, Breton & Cobelli 2009.
const T_HR_MIN = 5;
const T_IN_MIN = 1;
const T_EX_MIN = 600;
const EXERCISE_A = 0.1;
const EXERCISE_BETA_PER_BPM = 0.01;
const EXERCISE_ALPHA = 3e-4;
const EXERCISE_GAMMA = 1e-7;
/**
 * The exercise model lowers Km by γ·Z·W·(X + Ib); with a long session on top of a large insulin
 * excess that factor can cross zero and turn utilisation negative (glucose then explodes). Held at
 * ≥ 10 % of Km0.
 */
const MIN_KM_FRACTION = 0.1;

/**
 * What the derivative needs that is fixed for one integration step (inputs are held over the step):
 * products of parameters and inputs worked out once per step instead of at each of RK4's
 * evaluations. The glucose core is the simulation's hot loop.
 */
class StepTerms {
  carbIntakeMgPerMin = 0.5;
  fastCarbIntakeMgPerMin = 0.5;
  insulinPmolPerKgPerMin = 0.5;
  heartRateExcessBpm = 0.5;
  /** 0: no meal in progress (kempt = kmax). */
  mealDoseMg = 0.5;
  /** Gastric emptying (Dalla Man 2006): tanh slopes and their centres b·D, d·D. */
  emptyingAlpha = 0.5;
  emptyingBeta = 0.5;
  emptyingCentreB = 0.5;
  emptyingCentreD = 0.5;
  halfEmptyingRange = 0.5;
  /** f·kabs/BW: gut to plasma appearance. */
  appearancePerGut = 0.5;
  /** f·k/BW: the fast route's last stage to plasma. */
  appearancePerFastGut = 0.5;
  /** Insulin sensitivity applied to kp3 and Vmx. */
  sensitiveKp3 = 0.5;
  sensitiveVmx = 0.5;
  /** Counter-regulation threshold as Gp (mg/kg) and its gain per mg/kg of Gp below it. */
  counterRegulationBelowGp = 0.5;
  counterRegulationPerGp = 0.5;
  /** 1 / (a·HRb) of the exercise model. */
  perExerciseHeartRate = 0.5;
  /**
   * The patient's parameters, copied here at each step: one object shape for every patient, so the
   * derivative's loads never see a second hidden class (each patient's parameter object can have
   * its own, which made V8 deoptimise the hot loop again and again). The parameter set is fixed for a
   * patient, so they are copied once per patient, not per step.
   */
  kmax = 0.5;
  kmin = 0.5;
  kabs = 0.5;
  k1 = 0.5;
  k2 = 0.5;
  kp1 = 0.5;
  kp2 = 0.5;
  ke1 = 0.5;
  ke2 = 0.5;
  Fsnc = 0.5;
  Vm0 = 0.5;
  Ib = 0.5;
  Km0 = 0.5;
  Vi = 0.5;
  m1 = 0.5;
  m2 = 0.5;
  m30 = 0.5;
  p2u = 0.5;
  ki = 0.5;
  ka1 = 0.5;
  ka2 = 0.5;
  kd = 0.5;
  ksc = 0.5;
  /** m2 + m4, m1 + m30, ka1 + kd: the insulin compartments' total outflow rates. */
  plasmaInsulinOutflow = 0.5;
  liverInsulinOutflow = 0.5;
  depotOutflow = 0.5;

  /** The parameter set the fields above were copied from: copied again only when it changes. */
  private parameters: GlucoseInsulinParameters | undefined;

  set(p: GlucoseInsulinParameters, input: ModelInputs): void {
    if (p !== this.parameters) this.setParameters(p);
    this.carbIntakeMgPerMin = input.carbIntakeMgPerMin;
    this.fastCarbIntakeMgPerMin = input.fastCarbIntakeMgPerMin;
    this.insulinPmolPerKgPerMin = input.insulinPmolPerKgPerMin;
    this.heartRateExcessBpm = input.heartRateExcessBpm;
    const D = input.mealDoseMg;
    this.mealDoseMg = D;
    if (D > 0) {
      this.emptyingAlpha = 5 / (2 * D * (1 - p.b));
      this.emptyingBeta = 5 / (2 * D * p.d);
      this.emptyingCentreB = p.b * D;
      this.emptyingCentreD = p.d * D;
    }
    this.sensitiveKp3 = input.insulinSensitivityMultiplier * p.kp3;
    this.sensitiveVmx = input.insulinSensitivityMultiplier * p.Vmx;
  }

  private setParameters(p: GlucoseInsulinParameters): void {
    this.parameters = p;
    this.halfEmptyingRange = (p.kmax - p.kmin) / 2;
    this.appearancePerGut = (p.f * p.kabs) / p.BW;
    this.appearancePerFastGut = (p.f * FAST_CARB_STAGE_RATE_PER_MIN) / p.BW;
    this.perExerciseHeartRate = 1 / (EXERCISE_A * p.restingHeartRateBpm);
    this.kmax = p.kmax;
    this.kmin = p.kmin;
    this.kabs = p.kabs;
    this.k1 = p.k1;
    this.k2 = p.k2;
    this.kp1 = p.kp1;
    this.kp2 = p.kp2;
    this.ke1 = p.ke1;
    this.ke2 = p.ke2;
    this.Fsnc = p.Fsnc;
    this.Vm0 = p.Vm0;
    this.Ib = p.Ib;
    this.Km0 = p.Km0;
    this.Vi = p.Vi;
    this.m1 = p.m1;
    this.m2 = p.m2;
    this.m30 = p.m30;
    this.p2u = p.p2u;
    this.ki = p.ki;
    this.ka1 = p.ka1;
    this.ka2 = p.ka2;
    this.kd = p.kd;
    this.ksc = p.ksc;
    this.counterRegulationBelowGp = COUNTER_REGULATION_BELOW_MGDL * p.Vg;
    this.counterRegulationPerGp = COUNTER_REGULATION_MG_PER_KG_MIN_PER_MGDL / p.Vg;
    this.plasmaInsulinOutflow = p.m2 + p.m4;
    this.liverInsulinOutflow = p.m1 + p.m30;
    this.depotOutflow = p.ka1 + p.kd;
  }
}

/** Writes dx/dt (per minute) into `out`. */
function derivative(x: Float64Array, t: StepTerms, out: Float64Array): void {
  const Qsto1 = x[S.Qsto1]!,
    Qsto2 = x[S.Qsto2]!,
    Qgut = x[S.Qgut]!;
  const Gp = Math.max(0, x[S.Gp]!),
    Gt = Math.max(0, x[S.Gt]!);
  const Ip = Math.max(0, x[S.Ip]!),
    X = x[S.X]!,
    I1 = x[S.I1]!,
    Id = x[S.Id]!;
  const Il = Math.max(0, x[S.Il]!),
    Isc1 = Math.max(0, x[S.Isc1]!),
    Isc2 = Math.max(0, x[S.Isc2]!);
  const Gs = x[S.Gs]!,
    Y = x[S.Y]!,
    Z = x[S.Z]!,
    W = x[S.W]!;

  // Gastric emptying (Dalla Man 2006 nonlinear kempt).
  const Qsto = Qsto1 + Qsto2;
  let kempt = t.kmax;
  if (t.mealDoseMg > 0) {
    kempt =
      t.kmin +
      t.halfEmptyingRange *
        (Math.tanh(t.emptyingAlpha * (Qsto - t.emptyingCentreB)) - Math.tanh(t.emptyingBeta * (Qsto - t.emptyingCentreD)) + 2);
  }
  out[S.Qsto1] = -t.kmax * Qsto1 + t.carbIntakeMgPerMin;
  out[S.Qsto2] = t.kmax * Qsto1 - kempt * Qsto2;
  out[S.Qgut] = kempt * Qsto2 - t.kabs * Qgut;
  const Qfast1 = x[S.Qfast1]!,
    Qfast2 = x[S.Qfast2]!,
    Qfast3 = x[S.Qfast3]!;
  out[S.Qfast1] = t.fastCarbIntakeMgPerMin - FAST_CARB_STAGE_RATE_PER_MIN * Qfast1;
  out[S.Qfast2] = FAST_CARB_STAGE_RATE_PER_MIN * (Qfast1 - Qfast2);
  out[S.Qfast3] = FAST_CARB_STAGE_RATE_PER_MIN * (Qfast2 - Qfast3);

  // Glucose subsystem.
  const Ra = t.appearancePerGut * Qgut + t.appearancePerFastGut * Qfast3;
  const counterRegulation = Gp < t.counterRegulationBelowGp ? t.counterRegulationPerGp * (t.counterRegulationBelowGp - Gp) : 0;
  const EGP = Math.max(0, t.kp1 - t.kp2 * Gp - t.sensitiveKp3 * Id) + counterRegulation;
  const renal = Gp > t.ke2 ? t.ke1 * (Gp - t.ke2) : 0;
  out[S.Gp] = EGP + Ra - t.Fsnc - renal - t.k1 * Gp + t.k2 * Gt;

  // Insulin-dependent utilisation with the exercise terms; Y = Z = 0 gives (Vm0 + Vmx·X)·Gt/(Km0 + Gt).
  const ZW = Z * W;
  const XabsIb = X + t.Ib;
  const Uid =
    ((t.Vm0 * (1 + EXERCISE_BETA_PER_BPM * Y) + t.sensitiveVmx * ((1 + EXERCISE_ALPHA * ZW) * XabsIb - t.Ib)) * Gt) /
    (t.Km0 * Math.max(MIN_KM_FRACTION, 1 - EXERCISE_GAMMA * ZW * XabsIb) + Gt);
  out[S.Gt] = -Uid + t.k1 * Gp - t.k2 * Gt;

  // Insulin subsystem.
  const I = Ip / t.Vi;
  out[S.Ip] = -t.plasmaInsulinOutflow * Ip + t.m1 * Il + t.ka1 * Isc1 + t.ka2 * Isc2;
  out[S.X] = t.p2u * (I - t.Ib - X);
  out[S.I1] = -t.ki * (I1 - I);
  out[S.Id] = -t.ki * (Id - I1);
  out[S.Il] = -t.liverInsulinOutflow * Il + t.m2 * Ip;
  out[S.Isc1] = t.insulinPmolPerKgPerMin - t.depotOutflow * Isc1;
  out[S.Isc2] = t.kd * Isc1 - t.ka2 * Isc2;
  out[S.Gs] = t.ksc * (Gp - Gs);

  // Exercise (heart-rate driven). f(Y) = r^n / (1 + r^n) with the paper's n = 4, multiplied out (Math.pow is slow).
  out[S.Y] = -(Y - t.heartRateExcessBpm) / T_HR_MIN;
  const ratio = Math.max(0, Y) * t.perExerciseHeartRate;
  const ratioSquared = ratio * ratio;
  const ratioN = ratioSquared * ratioSquared;
  const fY = ratioN / (1 + ratioN);
  out[S.Z] = -(fY / T_IN_MIN + 1 / T_EX_MIN) * Z + fY;
  // dW = HR − HRb during exercise. The paper resets W once Z is back to ~0; with daily activity Z
  // rarely gets there (T_ex = 600 min), so W instead relaxes with T_ex between sessions.
  out[S.W] = t.heartRateExcessBpm > 0 ? t.heartRateExcessBpm : -W / T_EX_MIN;
}

/** Integration workspace, allocated once per patient (no per-step allocation). */
export class Rk4Integrator {
  private readonly k1 = new Float64Array(STATE_SIZE);
  private readonly k2 = new Float64Array(STATE_SIZE);
  private readonly k3 = new Float64Array(STATE_SIZE);
  private readonly k4 = new Float64Array(STATE_SIZE);
  private readonly scratch = new Float64Array(STATE_SIZE);
  private readonly terms = new StepTerms();

  /** Advances `state` in place by `minutes` using `subSteps` classic RK4 steps. */
  step(state: Float64Array, p: GlucoseInsulinParameters, input: ModelInputs, minutes: number, subSteps: number): void {
    const h = minutes / subSteps;
    const halfH = 0.5 * h;
    const sixthH = h / 6;
    const { k1, k2, k3, k4, scratch, terms } = this;
    terms.set(p, input);
    for (let s = 0; s < subSteps; s++) {
      derivative(state, terms, k1);
      for (let i = 0; i < STATE_SIZE; i++) scratch[i] = state[i]! + halfH * k1[i]!;
      derivative(scratch, terms, k2);
      for (let i = 0; i < STATE_SIZE; i++) scratch[i] = state[i]! + halfH * k2[i]!;
      derivative(scratch, terms, k3);
      for (let i = 0; i < STATE_SIZE; i++) scratch[i] = state[i]! + h * k3[i]!;
      derivative(scratch, terms, k4);
      for (let i = 0; i < STATE_SIZE; i++) {
        const next = state[i]! + sixthH * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!);
        // Masses and concentrations cannot go negative (simglucose clamps the same states).
        state[i] = i === S.X || i === S.Y ? next : Math.max(0, next);
      }
    }
  }
}

/** Plasma glucose, mg/dL. */
export const plasmaGlucoseMgdl = (x: Float64Array, p: GlucoseInsulinParameters): number => x[S.Gp]! / p.Vg;
/** Subcutaneous (interstitial) glucose that a CGM sees, mg/dL. */
export const interstitialGlucoseMgdl = (x: Float64Array, p: GlucoseInsulinParameters): number => x[S.Gs]! / p.Vg;
/** Insulin on board, U: insulin still in the subcutaneous depots (basal and bolus). */
export const insulinOnBoardUnits = (x: Float64Array, p: GlucoseInsulinParameters): number => ((x[S.Isc1]! + x[S.Isc2]!) * p.BW) / 6000;
/** The mixed meal's carbohydrate in the stomach (not fast sugars), g. */
export const mealCarbsInStomachGrams = (x: Float64Array): number => (x[S.Qsto1]! + x[S.Qsto2]!) / 1000;
/** Carbohydrate in the stomach (a meal's and fast sugars'), g. */
export const carbsInStomachGrams = (x: Float64Array): number => mealCarbsInStomachGrams(x) + x[S.Qfast1]! / 1000;
