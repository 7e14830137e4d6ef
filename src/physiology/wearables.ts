/**
 * Wearable signals as pure functions of the person's state in one minute. Each takes the
 * quantities it depends on explicitly, so the couplings (heart rate → HRV/QT/breathing,
 * hypoglycemia → sympathetic response, sleep → circadian changes) are visible in the signature.
 */

/** How hypoglycemic, 0 (>= 70 mg/dL) to 1 (<= 40 mg/dL): drives the sympathetic/sweating response. */
export function hypoglycemiaSeverity(glucoseMgdl: number): number {
  return Math.min(1, Math.max(0, (70 - glucoseMgdl) / 30));
}

/**
 * Heart rate the activity asks for: Karvonen, HR = HRrest + intensity·(HRmax − HRrest);
 * about 7 bpm lower in sleep.
 */
export function activityHeartRateBpm(restingBpm: number, maxBpm: number, intensity: number, asleep: boolean): number {
  return (asleep ? restingBpm - 7 : restingBpm) + intensity * (maxBpm - restingBpm);
}

/**
 * Heart-rate rise while a meal is digested: blood flow to the gut rises, and cardiac output with
 * it. After an 800-kcal meal, resting heart rate rose from 65 to a peak of 77 bpm 15–30 min later
 * in 14 healthy young adults ("The integrated response of the cardiovascular system to food",
 * Kearney et al.), and larger meals raise it more (Sidery & Macdonald, Br J Nutr, "The effect of
 * meal size on the cardiovascular responses to food ingestion"). Such a meal carries about 100 g
 * of carbohydrate, of which the adult parameter sets' stomachs hold a median 90 g when eating ends
 * (test/fast/wearables.test.ts): 12 bpm per 90 g still in the stomach, at most 15 bpm.
 */
const POSTPRANDIAL_RISE_BPM_PER_GRAM = 12 / 90;
const POSTPRANDIAL_MAX_RISE_BPM = 15;

/** The rise for the mixed meal's carbohydrate still in the stomach (g); see the constants above. */
export function postprandialHeartRateRiseBpm(mealCarbsInStomachGrams: number): number {
  return Math.min(POSTPRANDIAL_MAX_RISE_BPM, POSTPRANDIAL_RISE_BPM_PER_GRAM * Math.max(0, mealCarbsInStomachGrams));
}

/** Sympathetic heart-rate rise in hypoglycemia: clamp studies +6–8 bpm; up to ~+12 when severe. */
export function hypoglycemiaHeartRateRiseBpm(severity: number): number {
  return 12 * severity;
}

/**
 * Short-term SDNN, ms: falls with heart rate (Sacha 2014: SDNN scales roughly with RR interval,
 * steeper than linear) and in hypoglycemia (Koivikko 2005: −30–50%); higher in sleep.
 */
export function hrvSdnnMs(sdnnRestMs: number, restingBpm: number, heartRateBpm: number, asleep: boolean, hypoSeverity: number): number {
  const rrRatio = restingBpm / Math.max(30, heartRateBpm);
  return sdnnRestMs * rrRatio ** 2.2 * (asleep ? 1.25 : 1) * (1 - 0.5 * hypoSeverity);
}

/**
 * QTc, ms: the patient's own QTc plus hypoglycemic prolongation (Robinson 2003: +46–67 ms at a
 * ~45 mg/dL clamp; about +2 ms per mg/dL below 72).
 */
export function qtcMs(qtcRestMs: number, glucoseMgdl: number): number {
  return qtcRestMs + 2.1 * Math.max(0, 72 - glucoseMgdl);
}

/** QT from QTc and heart rate, Bazett: QT = QTc·√RR, RR = 60/HR s. */
export function qtIntervalMs(qtc: number, heartRateBpm: number): number {
  return qtc * Math.sqrt(60 / heartRateBpm);
}

/** Breaths/min: 12–20 at rest, lower in sleep, up to ~+22 at maximal effort, a little faster in hypoglycemia. */
export function respiratoryRateRpm(restRpm: number, intensity: number, asleep: boolean, hypoSeverity: number): number {
  return (asleep ? restRpm - 2 : restRpm) + 22 * intensity ** 1.5 + 2 * hypoSeverity;
}

/** SpO₂ %, with small nocturnal dips (given) and a slight fall in hard exercise. */
export function spo2Pct(restPct: number, intensity: number, nocturnalDipPct: number): number {
  return Math.min(100, restPct - 1.5 * Math.max(0, intensity - 0.6) - nocturnalDipPct);
}

/**
 * Wrist skin temperature target, °C: rises ~1 °C at sleep (distal vasodilation; Sarabia 2008),
 * falls with exercise and hypoglycemic sweating.
 */
export function skinTemperatureTargetC(dayC: number, asleep: boolean, intensity: number, hypoSeverity: number): number {
  return dayC + (asleep ? 1.0 : 0) - 1.4 * Math.max(0, intensity - 0.3) - 1.0 * hypoSeverity;
}

/**
 * Wrist EDA target, µS: tonic level plus sweating from exercise and from hypoglycemia (autonomic
 * activation; higher tonic EDA in hypoglycemia in smartwatch studies), lower in sleep.
 */
export function edaTargetMicroSiemens(tonic: number, asleep: boolean, intensity: number, hypoSeverity: number): number {
  return tonic * (asleep ? 0.7 : 1) + 14 * Math.max(0, intensity - 0.4) + 24 * hypoSeverity;
}

/** Steps per minute for the activity (Tudor-Locke 2019: ~100 moderate walking, ~130 vigorous). */
export function stepsPerMinute(kind: number, intensity: number, cadence: number, noise: number): number {
  switch (kind) {
    case 0: // sleep
      return 0;
    case 1: // sedentary: occasional steps
      return noise > 1.6 ? Math.round(4 + 6 * (noise - 1.6)) : 0;
    case 2: // light: pottering
      return Math.max(0, Math.round(25 + 10 * noise));
    case 3: // walking
      return Math.max(0, Math.round(cadence + 5 * noise));
    default: // exercise: brisk walking to running with intensity
      return Math.max(0, Math.round(cadence + 70 * Math.max(0, intensity - 0.45) + 6 * noise));
  }
}

/**
 * vertical_acceleration_g: peak vertical acceleration in the minute, in g. ~1 g at rest (gravity)
 * with small noise; impacts grow with cadence (walking ~1.3–1.6 g, running 2–2.8 g).
 */
export function verticalAccelerationG(steps: number, intensity: number, noise: number): number {
  if (steps === 0) return 1 + 0.01 * noise;
  return 1 + 0.003 * steps + 1.2 * Math.max(0, intensity - 0.5) + 0.04 * noise;
}
