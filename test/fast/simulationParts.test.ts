// The swappable parts: a user's own CGM sensor and therapy controller, registered by name and
// chosen through simulatePatient's options, run in the minute loop without editing it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPatientProfile } from '../../src/cohort/patientProfile.ts';
import { singleMix } from '../../src/domain/cohort.ts';
import { F } from '../../src/domain/features.ts';
import { SensorState } from '../../src/domain/cgm.ts';
import { emptyTimeline, type ControllerInputs } from '../../src/simulation/controllers/types.ts';
import { therapyControllers } from '../../src/simulation/controllers/index.ts';
import { cgmSensors, type SensorTrace } from '../../src/simulation/sensor/index.ts';
import { simulatePatient } from '../../src/simulation/simulatePatient.ts';

const MINUTES = 240;
const profile = drawPatientProfile(42, 7, singleMix('pump', 'adult'));

/** A sensor that reports interstitial glucose to the mg/dL, every minute, and remembers what it saw. */
const seenInterstitial: number[] = [];
cgmSensors.register('test-exact', ({ totalMinutes }) => {
  const trace: SensorTrace = {
    state: new Uint8Array(totalMinutes).fill(SensorState.Reading),
    dayOfWear: new Float32Array(totalMinutes),
    compressionMgdl: new Float32Array(totalMinutes),
    sensorStarts: [0],
    compressionStarts: [],
  };
  return {
    trace,
    read: (minute, interstitialMgdl) => {
      seenInterstitial[minute] = interstitialMgdl;
      return Math.round(interstitialMgdl);
    },
    hasReading: () => true,
  };
});

/** A controller that delivers 1 U/h and nothing else, and remembers what it was shown. */
const shown: ControllerInputs[] = [];
therapyControllers.register('test-flat-basal', () => ({
  timeline: emptyTimeline(),
  decide: (now) => {
    shown.push({ ...now });
    return { eat: [], bolusUnits: 0, basalUnitsPerMin: 1 / 60, restUntilMinute: 0 };
  },
}));

describe('swappable simulation parts', () => {
  it('a registered sensor and controller run in the minute loop, chosen by name', () => {
    const series = simulatePatient(42, profile, MINUTES, { cgmDevice: 'test-exact', therapy: 'test-flat-basal' });
    const glucose = series.signals[F.glucose_mgdl]!;
    assert.equal(seenInterstitial.length, MINUTES);
    for (let minute = 0; minute < MINUTES; minute++) assert.equal(glucose[minute], Math.round(seenInterstitial[minute]!));
    assert.equal(shown.length, MINUTES);
    // The controller sees this sensor's reading each minute (the loop reads before it decides).
    shown.forEach((inputs, minute) => assert.equal(inputs.cgmMgdl, glucose[minute]));
    assert.deepEqual(series.sensor.sensorStarts, [0]);
    // Nothing eaten and no bolus: carbs in the stomach stay at 0; a flat 1 U/h basal is all the insulin.
    assert.ok(series.signals[F.carbs_in_stomach]!.every((grams) => grams === 0));
    assert.deepEqual(series.timeline.bolusMinutes, []);
  });

  it('the built-in parts are registered under their names; a taken name is refused, an unknown one named', () => {
    assert.deepEqual(
      therapyControllers.names().filter((name) => !name.startsWith('test-')),
      ['mdi', 'pump', 'aid'],
    );
    assert.deepEqual(
      cgmSensors.names().filter((name) => !name.startsWith('test-')),
      ['libre3', 'g7', 'g6'],
    );
    assert.throws(
      () =>
        cgmSensors.register('g6', () =>
          cgmSensors.get('g7')({ randomSeed: 1, patientIndex: 0, totalMinutes: 1, asleep: new Uint8Array(1) }),
        ),
      /CGM sensor named "g6" is already registered/,
    );
    assert.throws(
      () => simulatePatient(42, profile, 10, { therapy: 'insulin-by-hope' }),
      /no therapy controller named "insulin-by-hope"; registered: mdi, pump, aid/,
    );
  });

  it('the built-in sensor chosen by name gives the same series as the default', () => {
    const byDefault = simulatePatient(42, profile, MINUTES);
    const byName = simulatePatient(42, profile, MINUTES, { cgmDevice: 'libre3', therapy: 'pump' });
    assert.deepEqual(byName.signals[F.glucose_mgdl], byDefault.signals[F.glucose_mgdl]);
  });
});
