import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordBatch } from 'apache-arrow';
import { DEFAULT_CONFIG, validateRunConfig } from '../../src/config/config.ts';
import { CGM_DEVICES, SensorState } from '../../src/domain/cgm.ts';
import { F, featureColumnName } from '../../src/domain/features.ts';
import { isGlucoseColumn, runTimeseriesSchema } from '../../src/dataset/arrowSchema.ts';
import { buildBatchTables } from '../../src/dataset/batchTables.ts';
import { sustainedEpisodeMask } from '../../src/dataset/horizons.ts';
import { hyperglycemiaRisk, hypoglycemiaRisk, labelWindows, type LabelInputs } from '../../src/dataset/labels.ts';
import { SPLIT_CODE } from '../../src/dataset/splits.ts';
import { CGM_DEVICE_SPECS } from '../../src/simulation/sensor/deviceSpecs.ts';
import {
  G6_MEAN_PARAMETERS,
  ar2AtShorterStep,
  ar2Autocorrelation,
  ar2AutocorrelationAt,
  ar2StationaryVariance,
  calibrationGain,
  compressionArtefactMgdl,
  drawSensorErrorParameters,
} from '../../src/simulation/sensor/errorModel.ts';
import { ModelledCgm, sensorStreams } from '../../src/simulation/sensor/modelledCgm.ts';
import { randomStream } from '../../src/util/random.ts';

/** Mean, variance and lag-1/2 autocorrelation of a long AR(2) draw, read every `every` steps. */
function drawAr2(phi1: number, phi2: number, sigmaW: number, steps: number, every = 1) {
  const rng = randomStream(11, 0, 'ar2');
  const values = new Float64Array(steps);
  let previous = 0,
    beforePrevious = 0;
  for (let i = -2000; i < steps; i++) {
    const value = phi1 * previous + phi2 * beforePrevious + sigmaW * rng.normal();
    beforePrevious = previous;
    previous = value;
    if (i >= 0) values[i] = value;
  }
  return moments(every === 1 ? values : values.filter((_, i) => i % every === 0));
}

function moments(values: Float64Array) {
  const steps = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / steps;
  const lagged = (lag: number) => {
    let s = 0;
    for (let i = lag; i < steps; i++) s += (values[i]! - mean) * (values[i - lag]! - mean);
    return s / steps;
  };
  const variance = lagged(0);
  return { mean, variance, rho1: lagged(1) / variance, rho2: lagged(2) / variance };
}

describe('CGM error model (Vettoretti 2019)', () => {
  it('the calibration gain is the drift polynomial a0 + a1·t + a2·t²', () => {
    const p = G6_MEAN_PARAMETERS;
    for (const days of [0, 1, 5.5, 10]) assert.equal(calibrationGain(p, days), p.a0 + p.a1 * days + p.a2 * days * days);
    assert.ok(Math.abs(calibrationGain(p, 0) - 0.942) < 0.001);
    // The mean sensor reads highest mid-wear: the quadratic peaks at −a1 / (2·a2) ≈ 4.2 days.
    assert.ok(calibrationGain(p, 4.2) > calibrationGain(p, 0) && calibrationGain(p, 4.2) > calibrationGain(p, 10));
  });

  it('long AR(2) draws match the closed-form mean, variance and lag-1/2 autocorrelation (5-minute steps)', () => {
    const { phi1, phi2, sigmaW } = G6_MEAN_PARAMETERS;
    const drawn = drawAr2(phi1, phi2, sigmaW, 400_000);
    const variance = ar2StationaryVariance(phi1, phi2, sigmaW);
    const [rho1, rho2] = ar2Autocorrelation(phi1, phi2);
    assert.ok(Math.abs(drawn.mean) < 0.1 * Math.sqrt(variance), `mean ${drawn.mean}`);
    assert.ok(Math.abs(drawn.variance / variance - 1) < 0.05, `variance ${drawn.variance} vs ${variance}`);
    assert.ok(Math.abs(drawn.rho1 - rho1) < 0.01, `rho1 ${drawn.rho1} vs ${rho1}`);
    assert.ok(Math.abs(drawn.rho2 - rho2) < 0.01, `rho2 ${drawn.rho2} vs ${rho2}`);
    assert.ok(Math.abs(Math.sqrt(variance) - 8.09) < 0.05);
    // The recursion agrees with Yule–Walker's closed form at lags 1 and 2, and goes on from them.
    assert.equal(ar2AutocorrelationAt(phi1, phi2, 0), 1);
    assert.ok(Math.abs(ar2AutocorrelationAt(phi1, phi2, 1) - rho1) < 1e-12);
    assert.ok(Math.abs(ar2AutocorrelationAt(phi1, phi2, 2) - rho2) < 1e-12);
    assert.ok(Math.abs(ar2AutocorrelationAt(phi1, phi2, 3) - (phi1 * rho2 + phi2 * rho1)) < 1e-12);
  });

  it('the 1-minute noise of a Libre 3, read every 5 minutes, is the fitted 5-minute noise: variance and autocorrelation at 5 and 10 minutes', () => {
    const five = G6_MEAN_PARAMETERS;
    const one = ar2AtShorterStep(five, 5);
    const variance = ar2StationaryVariance(five.phi1, five.phi2, five.sigmaW);
    const [rho1, rho2] = ar2Autocorrelation(five.phi1, five.phi2);
    // In closed form, exactly; the AR(2) with the model's roots to the power 1/5 reads smoother (0.918 at 5 min against 0.899).
    assert.ok(Math.abs(ar2StationaryVariance(one.phi1, one.phi2, one.sigmaW) - variance) < 1e-9);
    assert.ok(Math.abs(ar2AutocorrelationAt(one.phi1, one.phi2, 5) - rho1) < 1e-9);
    assert.ok(Math.abs(ar2AutocorrelationAt(one.phi1, one.phi2, 10) - rho2) < 1e-9);
    // In a long draw read every fifth minute.
    const drawn = drawAr2(one.phi1, one.phi2, one.sigmaW, 2_000_000, 5);
    assert.ok(Math.abs(drawn.variance / variance - 1) < 0.05, `variance ${drawn.variance} vs ${variance}`);
    assert.ok(Math.abs(drawn.rho1 - rho1) < 0.006, `rho at 5 min ${drawn.rho1} vs ${rho1}`);
    assert.ok(Math.abs(drawn.rho2 - rho2) < 0.012, `rho at 10 min ${drawn.rho2} vs ${rho2}`);
    // So is every sensor the population draws, at a Libre 3's spread.
    const rng = randomStream(5, 0, 'sensors');
    for (let i = 0; i < 2000; i++) {
      const p = drawSensorErrorParameters(rng, 0.8);
      const q = ar2AtShorterStep(p, 5);
      const [r1, r2] = ar2Autocorrelation(p.phi1, p.phi2);
      assert.ok(
        Math.abs(ar2AutocorrelationAt(q.phi1, q.phi2, 5) - r1) < 1e-9 && Math.abs(ar2AutocorrelationAt(q.phi1, q.phi2, 10) - r2) < 1e-9,
      );
      assert.ok(q.phi2 >= -1 && q.phi2 <= 1 - Math.abs(q.phi1));
    }
  });

  it('sensors drawn from the population are stable, bounded and centred on the published mean', () => {
    const rng = randomStream(3, 0, 'sensors');
    const draws = Array.from({ length: 3000 }, () => drawSensorErrorParameters(rng));
    for (const p of draws) {
      assert.ok(p.phi2 >= -0.98 && p.phi2 <= 1 - Math.abs(p.phi1) - 0.02);
      assert.ok(ar2StationaryVariance(p.phi1, p.phi2, p.sigmaW) <= 100);
    }
    const mean = (pick: (p: (typeof draws)[number]) => number) => draws.reduce((s, p) => s + pick(p), 0) / draws.length;
    assert.ok(Math.abs(mean((p) => p.a0) - 0.942) < 0.01);
    assert.ok(Math.abs(mean((p) => p.b0) - 6.38) < 0.5);
  });

  it('a compression low is a first-order response to a rectangular pulse', () => {
    const depth = 24,
      duration = 45,
      tau = 8;
    assert.equal(compressionArtefactMgdl(depth, duration, tau, -1), 0);
    assert.equal(compressionArtefactMgdl(depth, duration, tau, 0), -0);
    assert.ok(Math.abs(compressionArtefactMgdl(depth, duration, tau, tau) + depth * (1 - Math.exp(-1))) < 1e-9);
    const atRelease = compressionArtefactMgdl(depth, duration, tau, duration);
    assert.ok(Math.abs(atRelease + depth * (1 - Math.exp(-duration / tau))) < 1e-9);
    assert.ok(Math.abs(compressionArtefactMgdl(depth, duration, tau, duration + tau) - atRelease * Math.exp(-1)) < 1e-9);
    for (let t = 1; t < duration; t++)
      assert.ok(compressionArtefactMgdl(depth, duration, tau, t) < compressionArtefactMgdl(depth, duration, tau, t - 1));
  });
});

describe('the CGM a person wears', () => {
  const days = 40;
  const minutes = days * 1440;
  const awake = new Uint8Array(minutes);

  it('each device changes sensors at its wear length (or earlier) and warms each new one up for its warm-up time', () => {
    for (const device of CGM_DEVICES) {
      const spec = CGM_DEVICE_SPECS[device];
      const sensor = new ModelledCgm(sensorStreams(5, 1), device, minutes, awake);
      const { state, sensorStarts } = sensor.trace;
      assert.ok(sensorStarts.length >= Math.floor(days / spec.wearDays), `${device}: ${sensorStarts.length} sensors in ${days} days`);
      for (const start of sensorStarts) {
        if (start + spec.warmUpMinutes + spec.readingIntervalMinutes >= minutes) continue;
        for (let m = start; m < start + spec.warmUpMinutes; m++) assert.equal(state[m], SensorState.WarmUp, `${device} minute ${m}`);
        assert.notEqual(state[start + spec.warmUpMinutes + spec.readingIntervalMinutes], SensorState.WarmUp, device);
      }
      for (let i = 1; i < sensorStarts.length; i++) {
        assert.ok(sensorStarts[i]! - sensorStarts[i - 1]! <= spec.wearDays * 1440 + 720, `${device}: a sensor outlived its wear`);
      }
    }
  });

  it('a longer stay changes nothing in the minutes a shorter one has (the forecasting tail)', () => {
    const asleep = new Uint8Array(minutes);
    for (let day = 0; day < days; day++) asleep.fill(1, day * 1440, day * 1440 + 480);
    for (const device of CGM_DEVICES) {
      const short = new ModelledCgm(sensorStreams(5, 3), device, 4320, asleep.subarray(0, 4320));
      const long = new ModelledCgm(sensorStreams(5, 3), device, 4320 + 74, asleep.subarray(0, 4320 + 74));
      assert.deepEqual(long.trace.state.subarray(0, 4320), short.trace.state, device);
      assert.deepEqual(long.trace.compressionMgdl.subarray(0, 4320), short.trace.compressionMgdl, device);
      for (let m = 0; m < 4320; m++) assert.equal(long.read(m, 120 + (m % 50)), short.read(m, 120 + (m % 50)), `${device} minute ${m}`);
    }
  });

  it('a 5-minute device holds its reading for 5 minutes; a 1-minute device reads every minute', () => {
    const g6 = new ModelledCgm(sensorStreams(5, 2), 'g6', 600, new Uint8Array(600));
    const libre = new ModelledCgm(sensorStreams(5, 2), 'libre3', 600, new Uint8Array(600));
    const g6Readings: number[] = [];
    const libreReadings: number[] = [];
    for (let m = 0; m < 600; m++) {
      const interstitial = 100 + m / 4; // rising 0.25 mg/dL a minute, inside the CGM's range
      g6Readings.push(g6.read(m, interstitial));
      libreReadings.push(libre.read(m, interstitial));
    }
    let g6Changes = 0,
      libreChanges = 0;
    for (let m = 1; m < 600; m++) {
      if (g6Readings[m] !== g6Readings[m - 1]) g6Changes++;
      if (libreReadings[m] !== libreReadings[m - 1]) libreChanges++;
    }
    assert.ok(g6Changes <= 600 / 5, `g6 changed ${g6Changes} times`);
    assert.ok(libreChanges > 200, `libre3 changed ${libreChanges} times: more than a 5-minute device can`);
    for (const value of [...g6Readings, ...libreReadings]) assert.ok(Number.isInteger(value) && value >= 40 && value <= 400);
  });

  it('each device reports the range its label states: Dexcom 40–400 mg/dL, Libre 3 up to 500', () => {
    const asleep = new Uint8Array(60);
    const highest = (device: 'g6' | 'g7' | 'libre3') => {
      const sensor = new ModelledCgm(sensorStreams(7, 1), device, 60, asleep);
      let top = 0;
      for (let m = 0; m < 60; m++) top = Math.max(top, sensor.read(m, 700));
      return top;
    };
    assert.equal(highest('g6'), 400);
    assert.equal(highest('g7'), 400);
    assert.equal(highest('libre3'), 500);
  });

  it('compression lows happen only asleep, about 0.2 a night', () => {
    const asleep = new Uint8Array(minutes);
    for (let day = 0; day < days; day++) asleep.fill(1, day * 1440, day * 1440 + 480); // 00:00–08:00
    let events = 0;
    for (let person = 0; person < 30; person++) {
      const { compressionMgdl, compressionStarts } = new ModelledCgm(sensorStreams(9, person), 'libre3', minutes, asleep).trace;
      events += compressionStarts.length;
      for (const start of compressionStarts) assert.equal(asleep[start], 1);
      // Pressure can last past waking by at most the longest event (2 h) and its fade (5 time constants).
      for (let m = 0; m < minutes; m++)
        if (compressionMgdl[m]! < 0 && m % 1440 >= 480 + 120 + 40) assert.fail(`artefact at ${m % 1440} min after midnight`);
    }
    const perNight = events / (30 * days);
    assert.ok(perNight > 0.15 && perNight < 0.4, `${perNight} a night`);
  });
});

describe('gaps in the tables (--cgm-gaps)', () => {
  const config = validateRunConfig({ ...DEFAULT_CONFIG, numPatients: 2, simulationDaysPerPatient: 1, windowSizeMinutes: 5 });
  const build = async (overrides: Partial<typeof config>) => {
    const batches: RecordBatch[] = [];
    const runConfig = { ...config, ...overrides };
    await buildBatchTables(
      { config: runConfig, firstPatientIndex: 0, start: 0, end: 2, splitCodes: Uint8Array.from([SPLIT_CODE.train, SPLIT_CODE.train]) },
      async (_, patients) => void batches.push(...patients),
      () => {},
    );
    return batches;
  };

  it('nulls only in the glucose columns and only with --cgm-gaps; every other value is the same in both', async () => {
    const plain = await build({});
    const gapped = await build({ cgmGaps: true });
    const schema = runTimeseriesSchema({ ...config, cgmGaps: true });
    let nulls = 0;
    for (const [i, batch] of gapped.entries()) {
      for (const field of schema.fields) {
        const withGaps = batch.getChild(field.name)!;
        const without = plain[i]!.getChild(field.name)!;
        assert.equal(without.nullCount, 0, `${field.name} has nulls without --cgm-gaps`);
        if (!isGlucoseColumn(field.name)) {
          assert.equal(withGaps.nullCount, 0, `${field.name} has nulls`);
          if (!field.name.startsWith('label_hypo') && !field.name.startsWith('label_hyper')) {
            assert.deepEqual(withGaps.toArray(), without.toArray(), field.name);
          }
          continue;
        }
        nulls += withGaps.nullCount;
        for (let row = 0; row < batch.numRows; row++) {
          const value = withGaps.get(row);
          if (value !== null) assert.equal(value, without.get(row), `${field.name} row ${row}`);
        }
      }
    }
    assert.ok(nulls > 0, 'a day of wear has some minutes without a reading');
  });

  it('--with-truth adds blood_glucose_mgdl last, never null, near the CGM', async () => {
    const [batch] = await build({ withTruth: true });
    const names = batch!.schema.fields.map((f) => f.name);
    assert.equal(names[names.length - 1], 'blood_glucose_mgdl');
    const truth = batch!.getChild('blood_glucose_mgdl')!;
    const cgm = batch!.getChild(featureColumnName(0, 'glucose_mgdl'))!;
    assert.equal(truth.nullCount, 0);
    let relative = 0;
    for (let row = 0; row < batch!.numRows; row++) relative += Math.abs(cgm.get(row) - truth.get(row)) / truth.get(row);
    const mard = (100 * relative) / batch!.numRows;
    assert.ok(mard > 3 && mard < 20, `MARD ${mard.toFixed(1)} %`);
  });
});

describe('label rules at the edges of a gap', () => {
  const calm: LabelInputs = {
    glucoseT0: 60,
    glucoseT1: 60,
    heartRateT0: 70,
    heartRateT1: 70,
    hrvT0: 50,
    edaT0: 2,
    qtT0: 400,
    activityT0: 0.1,
  };

  it('a glucose rule reading a missing value is 0', () => {
    assert.equal(hypoglycemiaRisk(calm), true);
    assert.equal(hypoglycemiaRisk({ ...calm, glucoseT1: Number.NaN }), false);
    assert.equal(hypoglycemiaRisk({ ...calm, glucoseT0: Number.NaN }), false);
    assert.equal(hyperglycemiaRisk({ ...calm, glucoseT0: 300, glucoseT1: Number.NaN }), false);
    const signals = Array.from({ length: 14 }, () => new Float64Array(4).fill(1));
    signals[F.glucose_mgdl] = Float64Array.from([60, Number.NaN, 60, 60]);
    const [hypo] = labelWindows(signals, 1, 3);
    assert.deepEqual([...hypo!], [0, 0, 1], 'the windows ending at the gap and just after it are 0');
  });

  it('a sustained episode counts readings: a gap inside it neither adds nor breaks it; gap minutes at its edges are not marked', () => {
    const low = (n: number) => new Array<number>(n).fill(60);
    const gap = (n: number) => new Array<number>(n).fill(Number.NaN);
    const below = (g: number) => g < 70;
    // 10 readings, a 5-minute gap, 5 readings: 15 readings below 70, an episode across the gap.
    const across = Float64Array.from([100, ...low(10), ...gap(5), ...low(5), 100]);
    assert.deepEqual([...sustainedEpisodeMask(across, below)], [0, ...new Array<number>(20).fill(1), 0]);
    // 10 + 4 readings: not enough, whatever the gap's length.
    const short = Float64Array.from([100, ...low(10), ...gap(30), ...low(4), 100]);
    assert.ok(sustainedEpisodeMask(short, below).every((v) => v === 0));
    // A gap before the first low reading is not part of the episode.
    const edge = Float64Array.from([...gap(3), ...low(15), 100]);
    assert.deepEqual([...sustainedEpisodeMask(edge, below)], [0, 0, 0, ...new Array<number>(15).fill(1), 0]);
  });
});
