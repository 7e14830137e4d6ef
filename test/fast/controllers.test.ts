import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { drawPatientProfile, type PatientProfile } from '../../src/cohort/patientProfile.ts';
import { ActivityKind } from '../../src/domain/activity.ts';
import { AGE_GROUPS, singleMix, THERAPIES, type Therapy } from '../../src/domain/cohort.ts';
import { F } from '../../src/domain/features.ts';
import { createController, personStreams, type TherapyController } from '../../src/simulation/controllers/index.ts';
import { decideTempBasal, noMealData } from '../../src/simulation/controllers/oref0.ts';
import { PEN_STEP_UNITS } from '../../src/simulation/controllers/mdi.ts';
import { PUMP_STEP_UNITS, pumpBolusUnits, scheduledBasalUnitsPerHour } from '../../src/simulation/controllers/pump.ts';
import { LOOP_TARGET_MGDL, oref0Profile } from '../../src/simulation/controllers/aid.ts';
import {
  correctionChance,
  highCorrectionDue,
  PEN_CORRECTIONS,
  PUMP_CORRECTIONS,
  type CorrectionRule,
} from '../../src/simulation/controllers/person.ts';
import type { DailySchedule } from '../../src/simulation/scenario.ts';
import { simulatePatient } from '../../src/simulation/simulatePatient.ts';

/** An adult whose habits are made exact for a scripted test (no late boluses, no open-loop time). */
function scriptedPerson(overrides: Partial<PatientProfile['habits']> = {}): PatientProfile {
  const profile = drawPatientProfile(42, 3, singleMix('mdi', 'adult'));
  return {
    ...profile,
    habits: {
      ...profile.habits,
      missedBolusProbability: 0,
      lateBolusProbability: 0,
      snackBolusProbability: 1,
      carbCountBias: 0,
      carbCountErrorSd: 0,
      correctionProbability: 0,
      openLoopFraction: 0,
      exercisePreparationProbability: 0,
      ...overrides,
    },
  };
}

/** `totalMinutes` awake and sedentary, with the given meals (minute, grams). */
function scriptedDay(totalMinutes: number, meals: [number, number][]): DailySchedule {
  return {
    totalMinutes,
    intensityTarget: new Float64Array(totalMinutes).fill(0.1),
    kind: new Uint8Array(totalMinutes).fill(ActivityKind.Sedentary),
    meals: {
      count: meals.length,
      minute: Int32Array.from(meals.map(([minute]) => minute)),
      carbsGrams: Float64Array.from(meals.map(([, grams]) => grams)),
      isSnack: new Uint8Array(meals.length),
    },
  };
}

/** Runs a controller against a scripted CGM trace; returns the insulin it delivered, minute by minute. */
function drive(controller: TherapyController, cgmAt: (minute: number) => number, minutes: number, asleep = false) {
  const basalUnits = new Float64Array(minutes);
  const bolusUnits = new Float64Array(minutes);
  for (let minute = 0; minute < minutes; minute++) {
    const actions = controller.decide({ minute, cgmMgdl: cgmAt(minute), bodyBolusInsulinOnBoardUnits: 0, asleep, moving: false });
    basalUnits[minute] = actions.basalUnitsPerMin;
    bolusUnits[minute] = actions.bolusUnits;
  }
  const sum = (values: Float64Array) => values.reduce((a, b) => a + b, 0);
  return { basalUnits, bolusUnits, total: sum(basalUnits) + sum(bolusUnits) };
}

const controllerFor = (therapy: Therapy, profile: PatientProfile, schedule: DailySchedule) =>
  createController(therapy, profile, schedule, personStreams(42, profile.patientIndex));

/** highCorrectionDue under one device's rule: (CGM, asleep, minutes since the bolus, minutes since the last check). */
const dueUnder =
  (rule: CorrectionRule) =>
  (...args: [number, boolean, number, number]) =>
    highCorrectionDue(rule, ...args);

describe('therapy controllers on scripted inputs', () => {
  it('on a pump a high is corrected above the 200 mg/dL alert, two hours after a bolus, every 30 min awake and hourly asleep', () => {
    const due = dueUnder(PUMP_CORRECTIONS);
    assert.equal(due(201, false, 120, 30), true);
    assert.equal(due(200, false, 600, 600), false, 'at the alert, not above it');
    assert.equal(due(350, false, 119, 600), false, 'within two hours of a bolus');
    assert.equal(due(350, false, 600, 29), false, 'looked at half an hour ago');
    assert.equal(due(350, true, 600, 45), false, 'asleep, the alert repeats hourly');
    assert.equal(due(350, true, 600, 60), true);
    assert.equal(due(Number.NaN, false, 600, 600), false, 'no reading, no correction');
  });

  it('on pens (one more injection) only a persistent high is corrected: above 250, two hours after a bolus, hourly, awake', () => {
    const due = dueUnder(PEN_CORRECTIONS);
    assert.equal(due(240, false, 600, 600), false);
    assert.equal(due(260, false, 119, 600), false);
    assert.equal(due(260, false, 120, 59), false);
    assert.equal(due(260, false, 120, 60), true);
    assert.equal(due(400, true, 600, 600), false, 'never asleep');
  });

  it('above 300 mg/dL nearly everyone corrects, whatever their habit', () => {
    assert.equal(correctionChance(0.2, 299), 0.2);
    assert.equal(correctionChance(0.2, 301), 0.9);
    assert.equal(correctionChance(0.95, 350), 0.95, 'a diligent person stays as diligent');
  });

  it('on a pump, a high at night is corrected only when its alert wakes the person', () => {
    const minutes = 240;
    const night = scriptedDay(minutes, []);
    const high = () => 300;
    const sleeper = drive(
      controllerFor('pump', scriptedPerson({ nightAlarmWakeProbability: 0, correctionProbability: 1 }), night),
      high,
      minutes,
      true,
    );
    const woken = drive(
      controllerFor('pump', scriptedPerson({ nightAlarmWakeProbability: 1, correctionProbability: 1 }), night),
      high,
      minutes,
      true,
    );
    assert.equal(
      sleeper.bolusUnits.reduce((a, b) => a + b, 0),
      0,
      'slept through',
    );
    assert.ok(woken.bolusUnits.reduce((a, b) => a + b, 0) > 0, 'woken and corrected');
  });

  it('a missed meal bolus: the closed loop gives more insulin than pens or a plain pump', () => {
    const person = scriptedPerson({ missedBolusProbability: 1 });
    const day = scriptedDay(300, [[30, 70]]);
    // The CGM rises 2 mg/dL per minute after the unbolused meal, to 300 mg/dL.
    const risingAfterMeal = (minute: number) => Math.min(300, 120 + Math.max(0, minute - 45) * 2);
    const pens = drive(controllerFor('mdi', person, day), risingAfterMeal, 300);
    const pump = drive(controllerFor('pump', person, day), risingAfterMeal, 300);
    const loop = drive(controllerFor('aid', person, day), risingAfterMeal, 300);
    assert.equal(
      pens.bolusUnits.reduce((a, b) => a + b, 0),
      0,
      'nobody bolused',
    );
    assert.ok(loop.total > pens.total + 1, `loop ${loop.total.toFixed(2)} U vs pens ${pens.total.toFixed(2)} U`);
    assert.ok(loop.total > pump.total + 1, `loop ${loop.total.toFixed(2)} U vs pump ${pump.total.toFixed(2)} U`);
    assert.ok(Math.max(...loop.basalUnits) > 1.5 * Math.max(...pump.basalUnits), 'the loop raised the temp basal above the schedule');
  });

  it('a falling CGM: the closed loop cuts the temp basal to zero', () => {
    const person = scriptedPerson();
    const falling = (minute: number) => Math.max(45, 140 - minute * 2);
    const loop = drive(controllerFor('aid', person, scriptedDay(120, [])), falling, 120);
    const firstZero = loop.basalUnits.findIndex((rate) => rate === 0);
    assert.ok(firstZero >= 0 && firstZero <= 30, `zero temp from minute ${firstZero}`);
    assert.equal(
      loop.basalUnits.slice(firstZero).reduce((a, b) => a + b, 0),
      0,
      'stays suspended while the CGM falls',
    );
    const pump = drive(controllerFor('pump', person, scriptedDay(120, [])), falling, 120);
    assert.ok(Math.min(...pump.basalUnits) > 0, 'a plain pump keeps its schedule');
  });

  it('the pump bolus calculator subtracts insulin on board; pens and pumps dose in 0.5 U and 0.05 U steps', () => {
    const { therapy } = scriptedPerson();
    const withoutIob = pumpBolusUnits(therapy, 60, 250, 0);
    const withIob = pumpBolusUnits(therapy, 60, 250, 0.7);
    assert.ok(Math.abs(withoutIob - withIob - 0.7) < 1e-9, `${withoutIob} − ${withIob}`);
    // Two meals an hour apart at the same CGM: the second bolus is smaller by what the first left on board.
    const person = scriptedPerson();
    const day = scriptedDay(200, [
      [10, 60],
      [70, 60],
    ]);
    const high = () => 250;
    const pump = drive(controllerFor('pump', person, day), high, 200);
    const pumpBoluses = [...pump.bolusUnits].filter((units) => units > 0);
    assert.equal(pumpBoluses.length, 2);
    assert.ok(pumpBoluses[1]! < pumpBoluses[0]! - 0.3, `second ${pumpBoluses[1]} after first ${pumpBoluses[0]}`);
    const pens = drive(controllerFor('mdi', person, day), high, 200);
    const onStep = (units: number, step: number) => Math.abs(units / step - Math.round(units / step)) < 1e-9;
    for (const units of pens.bolusUnits) assert.ok(onStep(units, PEN_STEP_UNITS), `pen dose ${units}`);
    for (const units of pump.bolusUnits) assert.ok(onStep(units, PUMP_STEP_UNITS), `pump dose ${units}`);
    assert.ok(
      pumpBoluses.some((units) => !onStep(units, PEN_STEP_UNITS)),
      'the pump uses its finer step',
    );
  });

  it('oref0 determine-basal decides from the inputs our code builds, silently, with no state left behind', () => {
    const status = {
      glucose: 220,
      delta: 3,
      short_avgdelta: 3,
      long_avgdelta: 2,
      date: Date.UTC(2025, 0, 6, 12),
      noise: 0,
      device: 'test',
    };
    const tick = { iob: 0, activity: 0, iobWithZeroTemp: { iob: 0, activity: 0 } };
    // The profile the closed loop builds for a person, at their noon basal rate.
    const person = scriptedPerson();
    const profile = oref0Profile(person, LOOP_TARGET_MGDL);
    profile.current_basal = scheduledBasalUnitsPerHour(person.therapy, 720);
    const meal = noMealData();
    let written = 0;
    const write = process.stderr.write;
    process.stderr.write = (() => ((written += 1), true)) as typeof process.stderr.write;
    let high, low;
    try {
      high = decideTempBasal(
        status,
        { duration: 0, rate: 0, temp: 'absolute' },
        Array.from({ length: 48 }, () => structuredClone(tick)),
        profile,
        meal,
        new Date(status.date),
      );
      low = decideTempBasal(
        { ...status, glucose: 75, delta: -4, short_avgdelta: -4, long_avgdelta: -3 },
        { duration: 0, rate: 0, temp: 'absolute' },
        Array.from({ length: 48 }, () => structuredClone(tick)),
        profile,
        meal,
        new Date(status.date),
      );
    } finally {
      process.stderr.write = write;
    }
    assert.equal(written, 0, 'oref0 logging is silenced');
    assert.ok(high.rate! > (profile.current_basal as number) && high.duration === 30, `high: ${JSON.stringify(high)}`);
    assert.equal(low.rate, 0, `low: ${low.reason}`);
    const global = globalThis as Record<string, unknown>;
    assert.ok(global.csf === undefined && global.COBpredBG === undefined, "no value of oref0's undeclared variables is left behind");
  });
});

describe('what oref0 brings to run time', () => {
  it('only determine-basal, basal-set-temp, round-basal and lodash are loaded, none of the CLI tools’ dependencies', () => {
    const require = createRequire(import.meta.url);
    const loaded = Object.keys(require.cache)
      .map((path) => /node_modules\/(.+)$/.exec(path)?.[1])
      .filter((path): path is string => !!path && !/^(tsx|esbuild)\//.test(path));
    const packages = new Set(loaded.map((path) => path.split('/')[0]));
    const oref0Dependencies = Object.keys((require('oref0/package.json') as { dependencies: Record<string, string> }).dependencies);
    assert.ok(oref0Dependencies.includes('request') && oref0Dependencies.includes('moment'));
    assert.deepEqual(
      oref0Dependencies.filter((name) => packages.has(name)),
      ['lodash'],
    );
    assert.deepEqual(loaded.filter((path) => path.startsWith('oref0/')).sort(), [
      'oref0/lib/basal-set-temp.js',
      'oref0/lib/determine-basal/determine-basal.js',
      'oref0/lib/round-basal.js',
    ]);
  });
});

describe('the same person lives the same days whatever the therapy', () => {
  it('demographics, meals, activity and sensor are identical across arms; the insulin differs', () => {
    for (const ageGroup of AGE_GROUPS) {
      for (let index = 0; index < 4; index++) {
        const profiles = THERAPIES.map((therapy) => drawPatientProfile(7, index, singleMix(therapy, ageGroup)));
        const withoutTherapy = profiles.map(({ therapyKind: _, ...rest }) => rest);
        assert.deepEqual(withoutTherapy[1], withoutTherapy[0]);
        assert.deepEqual(withoutTherapy[2], withoutTherapy[0]);
        assert.deepEqual(
          profiles.map((p) => p.therapyKind),
          [...THERAPIES],
        );
        const lives = THERAPIES.map((therapy) => simulatePatient(7, profiles[0]!, 1440, { therapy }));
        for (const life of lives.slice(1)) {
          assert.deepEqual(life.timeline.mealMinutes, lives[0]!.timeline.mealMinutes);
          assert.deepEqual(life.timeline.mealGrams, lives[0]!.timeline.mealGrams);
          assert.deepEqual(life.timeline.activityKind, lives[0]!.timeline.activityKind);
          assert.deepEqual(life.signals[F.hour_of_day], lives[0]!.signals[F.hour_of_day]);
        }
        assert.notDeepEqual(lives[2]!.signals[F.insulin_on_board], lives[0]!.signals[F.insulin_on_board]);
        const decisions = lives.map((life) => life.timeline.loopDecisions);
        assert.ok(
          decisions[2]! > 100 && decisions[2]! <= 1440 / 5,
          `the loop decides every 5 minutes while it runs and has a reading: ${decisions[2]}`,
        );
        assert.deepEqual(decisions.slice(0, 2), [0, 0]);
      }
    }
  });

  it('the same seed and options give the same rows', () => {
    const profile = drawPatientProfile(9, 5, singleMix('aid', 'child'));
    const a = simulatePatient(9, profile, 720);
    const b = simulatePatient(9, drawPatientProfile(9, 5, singleMix('aid', 'child')), 720);
    assert.deepEqual(a.signals, b.signals);
  });
});
