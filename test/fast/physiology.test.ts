import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPatientProfile } from '../../src/cohort/patientProfile.ts';
import { singleMix } from '../../src/domain/cohort.ts';
import { loadVirtualPatients } from '../../src/cohort/uvaPadovaParameters.ts';
import { F } from '../../src/domain/features.ts';
import { Rk4Integrator, S, plasmaGlucoseMgdl, restingInputs, type GlucoseInsulinParameters } from '../../src/physiology/glucoseInsulin.ts';
import { solveSteadyState } from '../../src/physiology/steadyState.ts';
import { RK4_SUBSTEPS_PER_MINUTE, simulatePatient } from '../../src/simulation/simulatePatient.ts';
import { publishedPatient } from '../helpers/publishedPatient.ts';

const ADULTS_ON_PENS = singleMix('mdi', 'adult');

type Event = { minute: number; carbsGrams?: number; bolusUnits?: number; heartRateExcessBpm?: number; durationMin?: number };

/** Runs the bare model for `minutes` with basal insulin and the given events; returns plasma glucose per minute. */
function runModel(
  p: GlucoseInsulinParameters,
  x0: Float64Array,
  basal: number,
  minutes: number,
  events: Event[],
  subSteps = RK4_SUBSTEPS_PER_MINUTE,
): Float64Array {
  const state = Float64Array.from(x0);
  const rk4 = new Rk4Integrator();
  const glucose = new Float64Array(minutes);
  const inputs = restingInputs();
  let carbsLeft = 0;
  for (let m = 0; m < minutes; m++) {
    let bolusUnits = 0;
    inputs.heartRateExcessBpm = 0;
    for (const e of events) {
      if (e.minute === m && e.carbsGrams) {
        inputs.mealDoseMg = state[S.Qsto1]! + state[S.Qsto2]! + (carbsLeft + e.carbsGrams) * 1000;
        carbsLeft += e.carbsGrams;
      }
      if (e.minute === m && e.bolusUnits) bolusUnits += e.bolusUnits;
      if (e.heartRateExcessBpm && m >= e.minute && m < e.minute + (e.durationMin ?? 0)) inputs.heartRateExcessBpm = e.heartRateExcessBpm;
    }
    glucose[m] = plasmaGlucoseMgdl(state, p);
    const eaten = Math.min(carbsLeft, 5);
    carbsLeft -= eaten;
    inputs.carbIntakeMgPerMin = eaten * 1000;
    inputs.insulinPmolPerKgPerMin = basal + (bolusUnits * 6000) / p.BW;
    rk4.step(state, p, inputs, 1, subSteps);
  }
  return glucose;
}

describe('UVA/Padova glucose–insulin model', () => {
  it('every published parameter set stays within 1 mg/dL of basal over 24 h with basal insulin and no meals', () => {
    const patients = loadVirtualPatients();
    assert.equal(patients.length, 30);
    for (let i = 0; i < patients.length; i++) {
      const { p, x0, basalPmolPerKgPerMin } = publishedPatient(i);
      const glucose = runModel(p, x0, basalPmolPerKgPerMin, 1440, []);
      const basal = glucose[0]!;
      const maxDeviation = glucose.reduce((max, g) => Math.max(max, Math.abs(g - basal)), 0);
      assert.ok(maxDeviation < 1, `${patients[i]!.name}: drift ${maxDeviation.toFixed(3)} mg/dL`);
    }
  });

  it('the steady-state solver reproduces the published initial states', () => {
    for (const v of loadVirtualPatients()) {
      const solved = solveSteadyState({ ...v, restingHeartRateBpm: 65 }, v.u2ss, v.Gb);
      assert.ok(Math.abs(solved.Ib - v.Ib) < 1e-6 * v.Ib);
      assert.ok(Math.abs(solved.kp1 - v.kp1) < 1e-6 * v.kp1);
      for (let i = 0; i < 13; i++)
        assert.ok(Math.abs(solved.state[i]! - v.x0[i]!) <= 1e-6 * Math.max(1, Math.abs(v.x0[i]!)), `${v.name} x0_${i + 1}`);
    }
  });

  it('RK4 with the production step matches a fine-step reference within 0.5 mg/dL over a day with meals', () => {
    const day: Event[] = [
      { minute: 420, carbsGrams: 50, bolusUnits: 5 },
      { minute: 720, carbsGrams: 70, bolusUnits: 7 },
      { minute: 1080, carbsGrams: 80 },
      { minute: 1110, bolusUnits: 8 },
      { minute: 960, heartRateExcessBpm: 50, durationMin: 45 },
    ];
    for (const index of [10, 13, 15, 19, 0, 25]) {
      const { p, x0, basalPmolPerKgPerMin } = publishedPatient(index);
      const production = runModel(p, x0, basalPmolPerKgPerMin, 1440, day);
      const reference = runModel(p, x0, basalPmolPerKgPerMin, 1440, day, 32);
      const maxError = production.reduce((max, g, m) => Math.max(max, Math.abs(g - reference[m]!)), 0);
      assert.ok(maxError < 0.5, `patient ${index}: max error ${maxError.toFixed(3)} mg/dL`);
    }
  });

  it('a meal raises glucose and it returns; a bolus lowers it; exercise lowers it during and after', () => {
    const { p, x0, basalPmolPerKgPerMin } = publishedPatient(12); // adult#003
    const basal = runModel(p, x0, basalPmolPerKgPerMin, 10, [])[0]!;
    const meal = runModel(p, x0, basalPmolPerKgPerMin, 900, [{ minute: 60, carbsGrams: 60, bolusUnits: 60 / 9 }]);
    const peak = Math.max(...meal);
    assert.ok(peak > basal + 30, `meal peak ${peak.toFixed(1)} vs basal ${basal.toFixed(1)}`);
    assert.ok(Math.abs(meal[899]! - basal) < 25, `returns: ${meal[899]!.toFixed(1)} vs ${basal.toFixed(1)}`);

    const bolus = runModel(p, x0, basalPmolPerKgPerMin, 240, [{ minute: 10, bolusUnits: 2 }]);
    assert.ok(bolus[239]! < basal - 20, `bolus lowers: ${bolus[239]!.toFixed(1)}`);

    const rest = runModel(p, x0, basalPmolPerKgPerMin, 600, []);
    const exercise = runModel(p, x0, basalPmolPerKgPerMin, 600, [{ minute: 60, heartRateExcessBpm: 50, durationMin: 45 }]);
    assert.ok(exercise[104]! < rest[104]! - 10, `during: ${exercise[104]!.toFixed(1)} vs ${rest[104]!.toFixed(1)}`);
    assert.ok(exercise[400]! < rest[400]! - 5, `after (late drop): ${exercise[400]!.toFixed(1)} vs ${rest[400]!.toFixed(1)}`);
  });
});

describe('patient simulation', () => {
  it('is deterministic in (seed, patient index) and differs across patients', () => {
    const a = simulatePatient(42, drawPatientProfile(42, 3, ADULTS_ON_PENS), 720);
    const b = simulatePatient(42, drawPatientProfile(42, 3, ADULTS_ON_PENS), 720);
    const c = simulatePatient(42, drawPatientProfile(42, 4, ADULTS_ON_PENS), 720);
    for (let f = 0; f < 14; f++) assert.deepEqual(a.signals[f], b.signals[f]);
    assert.notDeepEqual(a.signals[F.glucose_mgdl], c.signals[F.glucose_mgdl]);
  });

  it('produces no constant signal and values in physiological ranges', () => {
    const series = simulatePatient(42, drawPatientProfile(42, 11, ADULTS_ON_PENS), 1440);
    const ranges: [keyof typeof F, number, number][] = [
      ['glucose_mgdl', 40, 500],
      ['heart_rate_bpm', 35, 210],
      ['hrv_sdnn', 1, 200],
      ['respiratory_rate_rpm', 6, 45],
      ['spo2_pct', 85, 100],
      ['steps_per_minute', 0, 220],
      ['vertical_acceleration_g', 0.9, 4],
      ['skin_temperature_c', 28, 38],
      ['eda_microsiemens', 0, 40],
      ['qt_interval_ms', 200, 600],
      ['insulin_on_board', 0, 40],
      ['carbs_in_stomach', 0, 200],
      ['activity_intensity', 0, 1],
      ['hour_of_day', 0, 24 - 1e-9],
    ];
    for (const [name, min, max] of ranges) {
      const values = series.signals[F[name]]!;
      let lo = Infinity,
        hi = -Infinity;
      for (const v of values) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      assert.ok(lo >= min && hi <= max, `${name} in [${lo}, ${hi}]`);
      assert.ok(hi > lo, `${name} is constant`);
    }
  });

  it('profiles are consistent: weight from BMI and height, Tanaka max HR, sensitivity in range', () => {
    for (let i = 0; i < 50; i++) {
      const p = drawPatientProfile(7, i, ADULTS_ON_PENS);
      assert.ok(Math.abs(p.weightKg - p.bmi * (p.heightCm / 100) ** 2) < 0.01);
      assert.ok(Math.abs(p.maxHeartRateBpm - (208 - 0.7 * p.age)) < 0.06);
      assert.ok(p.insulinSensitivityFactor >= 0.1 && p.insulinSensitivityFactor <= 1.5);
      assert.ok(p.age >= 18 && ['M', 'F'].includes(p.gender));
    }
  });
});
