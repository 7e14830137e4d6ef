// The error of a factory-calibrated CGM, after Vettoretti et al. 2019 (Sensors 19:5320, "Modeling
// the error of factory-calibrated continuous glucose monitoring sensors: application to Dexcom G6
// sensor data"): a calibration error that drifts with the days of wear,
//   IG_s(t) = (a0 + a1·t + a2·t²)·IG(t) + b0        (t in days since insertion)
// plus AR(2) noise per 5-minute sample, e_k = φ1·e_{k−1} + φ2·e_{k−2} + w_k, w ~ N(0, σw²).
// Each sensor draws its own (a0, a1, a2, b0, φ1, φ2, σw) from the population distribution the
// paper fitted to 79 G6 traces (mean and covariance below; ReplayBG's sensors/Vettoretti19CGM.py
// uses the same figures).
import type { RandomStream } from '../../util/random.ts';

export interface SensorErrorParameters {
  a0: number;
  a1: number;
  a2: number;
  b0: number;
  phi1: number;
  phi2: number;
  sigmaW: number;
}

/** Population mean of (a0, a1, a2, b0, φ1, φ2, σw), Vettoretti 2019, Dexcom G6 (5-minute samples). */
const G6_MEAN = [0.942288, 0.00493988, -0.000584875, 6.3826, 1.26041, -0.402223, 3.25164];
/** Their covariance, same order and source. */
const G6_COVARIANCE = [
  [0.0132458, -0.0039513, 0.000312767, 0.157179, 0.00268766, -0.00289046, -0.00318017],
  [-0.0039513, 0.0018528, -0.000155803, -0.10288, -0.00139023, 0.00115919, -0.00272849],
  [0.000312767, -0.000155803, 0.000013746, 0.00806859, 0.00012075, -0.000100421, 0.000111303],
  [0.157179, -0.10288, 0.00806859, 29.0058, 0.124083, -0.101936, 0.600754],
  [0.00268766, -0.00139023, 0.00012075, 0.124083, 0.0207935, -0.0184311, -0.0157218],
  [-0.00289046, 0.00115919, -0.000100421, -0.101936, -0.0184311, 0.0187009, 0.0155233],
  [-0.00318017, -0.00272849, 0.000111303, 0.600754, -0.0157218, 0.0155233, 0.723568],
];
/** ReplayBG's choices for drawing a sensor: covariance × 0.9, AR(2) stable with margin 0.02, stationary SD ≤ 10 mg/dL. */
const COVARIANCE_FACTOR = 0.9;
const STABILITY_MARGIN = 0.02;
const MAX_STATIONARY_SD_MGDL = 10;

/** The population mean as parameters. */
export const G6_MEAN_PARAMETERS: Readonly<SensorErrorParameters> = toParameters(G6_MEAN);

function toParameters(v: readonly number[]): SensorErrorParameters {
  return { a0: v[0]!, a1: v[1]!, a2: v[2]!, b0: v[3]!, phi1: v[4]!, phi2: v[5]!, sigmaW: v[6]! };
}

/** Lower-triangular L with L·Lᵀ = matrix (Cholesky–Banachiewicz). */
export function cholesky(matrix: readonly (readonly number[])[]): number[][] {
  const n = matrix.length;
  const lower = matrix.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= lower[i]![k]! * lower[j]![k]!;
      if (i === j) {
        if (sum <= 0) throw new RangeError('matrix is not positive definite');
        lower[i]![i] = Math.sqrt(sum);
      } else lower[i]![j] = sum / lower[j]![j]!;
    }
  }
  return lower;
}

const G6_CHOLESKY = cholesky(G6_COVARIANCE.map((row) => row.map((v) => v * COVARIANCE_FACTOR)));

/** Stationary variance of the AR(2) process e_k = φ1·e_{k−1} + φ2·e_{k−2} + w_k (Box & Jenkins). */
export function ar2StationaryVariance(phi1: number, phi2: number, sigmaW: number): number {
  const rho1 = phi1 / (1 - phi2);
  const rho2 = phi1 * rho1 + phi2;
  return (sigmaW * sigmaW) / (1 - phi1 * rho1 - phi2 * rho2);
}

/** Autocorrelation of that process at lags 1 and 2 (Yule–Walker). */
export function ar2Autocorrelation(phi1: number, phi2: number): [number, number] {
  const rho1 = phi1 / (1 - phi2);
  return [rho1, phi1 * rho1 + phi2];
}

/** Whether (φ1, φ2) lies inside the stationarity triangle with a margin. */
function stable(phi1: number, phi2: number, margin: number): boolean {
  return phi2 >= -1 + margin && phi2 <= 1 - Math.abs(phi1) - margin;
}

/**
 * One sensor's error parameters: a draw from the population distribution, redrawn until its AR(2)
 * noise is stable and its stationary SD at most 10 mg/dL (as ReplayBG does, so no draw is absurd).
 * `spread` scales each parameter's deviation from the mean (1 = the G6 population).
 */
export function drawSensorErrorParameters(rng: RandomStream, spread = 1): SensorErrorParameters {
  const z = new Array<number>(G6_MEAN.length);
  for (;;) {
    for (let i = 0; i < z.length; i++) z[i] = rng.normal();
    const values = G6_MEAN.map((mean, i) => {
      let deviation = 0;
      for (let k = 0; k <= i; k++) deviation += G6_CHOLESKY[i]![k]! * z[k]!;
      return mean + spread * deviation;
    });
    const p = toParameters(values);
    if (!stable(p.phi1, p.phi2, STABILITY_MARGIN) || p.sigmaW <= 0) continue;
    const variance = ar2StationaryVariance(p.phi1, p.phi2, p.sigmaW);
    if (variance > 0 && variance <= MAX_STATIONARY_SD_MGDL ** 2) return p;
  }
}

/** The calibration gain a0 + a1·t + a2·t² after `days` of wear. */
export function calibrationGain(p: SensorErrorParameters, days: number): number {
  return p.a0 + p.a1 * days + p.a2 * days * days;
}

/** Autocorrelation of the AR(2) process e_k = φ1·e_{k−1} + φ2·e_{k−2} + w_k at `lag` steps (Yule–Walker recursion). */
export function ar2AutocorrelationAt(phi1: number, phi2: number, lag: number): number {
  if (lag === 0) return 1;
  let beforePrevious = 1;
  let previous = phi1 / (1 - phi2);
  for (let k = 2; k <= lag; k++) [beforePrevious, previous] = [previous, phi1 * previous + phi2 * beforePrevious];
  return previous;
}

/** AR(2) coefficients at the shorter step whose roots are the model's roots to the power 1/`stepsPerSample` (the same decay per unit of time). */
function rootsAtShorterStep(phi1: number, phi2: number, stepsPerSample: number): [number, number] {
  const discriminant = phi1 * phi1 + 4 * phi2;
  if (discriminant < 0) {
    // Complex pair r·e^{±iθ}: r² = −φ2, cos θ = φ1 / (2r).
    const r = Math.sqrt(-phi2);
    const theta = Math.acos(Math.max(-1, Math.min(1, phi1 / (2 * r))));
    const rShort = r ** (1 / stepsPerSample);
    return [2 * rShort * Math.cos(theta / stepsPerSample), -rShort * rShort];
  }
  // Two real roots; a negative root has no real fractional power: it keeps its sign (rare draws only).
  const z1 = (phi1 + Math.sqrt(discriminant)) / 2;
  const z2 = (phi1 - Math.sqrt(discriminant)) / 2;
  const root = (z: number) => Math.sign(z) * Math.abs(z) ** (1 / stepsPerSample);
  return [root(z1) + root(z2), -root(z1) * root(z2)];
}

/**
 * The same noise at 1-minute steps: an AR(2) at the shorter step which, read every
 * `stepsPerSample` steps, has the fitted model's stationary variance and its autocorrelation at
 * one and two samples, so the change between readings 5 minutes apart is as large as the model
 * fitted to 5-minute data says. Solved by Newton's method from the AR(2) whose roots are the
 * model's roots to the power 1/`stepsPerSample` (same decay per unit of time), which on its own
 * reads about 10 % smoother 5 minutes apart (generator 0.14.0 and before).
 */
export function ar2AtShorterStep(p: Pick<SensorErrorParameters, 'phi1' | 'phi2' | 'sigmaW'>, stepsPerSample: number) {
  const { phi1, phi2 } = p;
  const [rho1, rho2] = ar2Autocorrelation(phi1, phi2);
  const residual = (a: number, b: number): [number, number] => [
    ar2AutocorrelationAt(a, b, stepsPerSample) - rho1,
    ar2AutocorrelationAt(a, b, 2 * stepsPerSample) - rho2,
  ];
  const start = rootsAtShorterStep(phi1, phi2, stepsPerSample);
  let [a, b] = start;
  const h = 1e-7;
  for (let iteration = 0; iteration < 50; iteration++) {
    const [f1, f2] = residual(a, b);
    if (Math.abs(f1) < 1e-12 && Math.abs(f2) < 1e-12) break;
    const [fa1, fa2] = residual(a + h, b);
    const [fb1, fb2] = residual(a, b + h);
    const j11 = (fa1 - f1) / h,
      j21 = (fa2 - f2) / h,
      j12 = (fb1 - f1) / h,
      j22 = (fb2 - f2) / h;
    const determinant = j11 * j22 - j12 * j21;
    if (!Number.isFinite(determinant) || determinant === 0) break;
    let da = (j22 * f1 - j12 * f2) / determinant;
    let db = (j11 * f2 - j21 * f1) / determinant;
    // Halve the step until it stays inside the stationarity triangle.
    while (!stable(a - da, b - db, 0) && Math.abs(da) + Math.abs(db) > 1e-15) {
      da /= 2;
      db /= 2;
    }
    a -= da;
    b -= db;
  }
  // Every population draw converges (test/fast/cgm.test.ts); should one not, the same-decay AR(2) stands in.
  const [f1, f2] = residual(a, b);
  if (!(Math.abs(f1) < 1e-9 && Math.abs(f2) < 1e-9)) [a, b] = start;
  const unitVariance = ar2StationaryVariance(a, b, 1);
  const targetVariance = ar2StationaryVariance(phi1, phi2, p.sigmaW);
  return { phi1: a, phi2: b, sigmaW: Math.sqrt(targetVariance / unitVariance) };
}

/**
 * A compression artefact: the sensor's response to pressure on its site, modelled as a first-order
 * system driven by a rectangular pulse of `depthMgdl` lasting `durationMin` (Facchinetti et al.
 * 2016, Diabetes Technol Ther 18:264–272). Returns the (negative) error `minutesSinceStart` after
 * the pressure began; 0 before it.
 */
export function compressionArtefactMgdl(
  depthMgdl: number,
  durationMin: number,
  timeConstantMin: number,
  minutesSinceStart: number,
): number {
  if (minutesSinceStart < 0) return 0;
  if (minutesSinceStart < durationMin) return -depthMgdl * (1 - Math.exp(-minutesSinceStart / timeConstantMin));
  const atRelease = depthMgdl * (1 - Math.exp(-durationMin / timeConstantMin));
  return -atRelease * Math.exp(-(minutesSinceStart - durationMin) / timeConstantMin);
}
