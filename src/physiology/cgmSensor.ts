import type { RandomStream } from '../util/random.ts';

// Johnson SU CGM noise, simglucose's Dexcom parameters (sensor_params.csv; Breton & Kovatchev 2008).
const PACF = 0.7;
const JOHNSON_GAMMA = -0.5444;
const JOHNSON_LAMBDA = 15.9574;
const JOHNSON_DELTA = 1.6898;
const JOHNSON_XI = -5.47;
const NOISE_INTERVAL_MIN = 15;
/** Range that commercial CGMs report, mg/dL. */
export const CGM_MIN_MGDL = 40;
export const CGM_MAX_MGDL = 400;

/**
 * Additive CGM error for each minute: e_k = PACF·(e_{k−1} + w_k) drawn every 15 min, mapped through
 * ε = ξ + λ·sinh((e − γ)/δ), linearly interpolated to every minute.
 */
export function cgmNoiseSeries(rng: RandomStream, totalMinutes: number): Float64Array {
  const knots = Math.ceil(totalMinutes / NOISE_INTERVAL_MIN) + 2;
  const knotError = new Float64Array(knots);
  let e = rng.normal();
  for (let k = 0; k < knots; k++) {
    e = PACF * (e + rng.normal());
    knotError[k] = JOHNSON_XI + JOHNSON_LAMBDA * Math.sinh((e - JOHNSON_GAMMA) / JOHNSON_DELTA);
  }
  const noise = new Float64Array(totalMinutes);
  for (let m = 0; m < totalMinutes; m++) {
    const k = Math.floor(m / NOISE_INTERVAL_MIN);
    const fraction = (m % NOISE_INTERVAL_MIN) / NOISE_INTERVAL_MIN;
    noise[m] = knotError[k]! + fraction * (knotError[k + 1]! - knotError[k]!);
  }
  return noise;
}

/** A CGM reading: interstitial glucose plus sensor error, clipped to the reportable range, whole mg/dL. */
export function cgmReadingMgdl(interstitialMgdl: number, errorMgdl: number): number {
  return Math.round(Math.min(CGM_MAX_MGDL, Math.max(CGM_MIN_MGDL, interstitialMgdl + errorMgdl)));
}
