// One patient's life, minute by minute, read like the physical system (simglucose's split): the
// scenario says what the person plans to do, the devices measure the body, the controller (the
// person's therapy decisions) acts on what the CGM shows, the patient's body moves on. The controller
// and the CGM are chosen by name from registries (controllers/index.ts, sensor/index.ts).
import type { PatientProfile } from '../cohort/patientProfile.ts';
import { ActivityKind } from '../domain/activity.ts';
import type { Therapy } from '../domain/cohort.ts';
import { F, FEATURE_NAMES } from '../domain/features.ts';
import { randomStream } from '../util/random.ts';
import { createController, personStreams, type TherapyTimeline } from './controllers/index.ts';
import type { CgmDevice } from '../domain/cgm.ts';
import { cgmSensors, type SensorTrace } from './sensor/index.ts';
import { WristWearable } from './devices.ts';
import { PatientBody } from './patient.ts';
import { planSchedule } from './scenario.ts';

/** RK4 sub-steps per simulated minute (measured against a fine-step reference in the tests). */
export const RK4_SUBSTEPS_PER_MINUTE = 2;

/** One patient's simulated minutes: one Float64Array per signal, in FEATURE_NAMES order. */
export interface PatientSeries {
  signals: Float64Array[];
  /** When things happened, and what the person was doing each minute: the report's example patient-day. */
  timeline: TherapyTimeline & { activityKind: Uint8Array };
  /** Plasma glucose each minute, mg/dL: the truth the CGM measures (with a lag and its error). */
  bloodGlucoseMgdl: Float64Array;
  /** What the CGM did each minute: where a reading was missing, sensor changes, compression lows. */
  sensor: SensorTrace;
}

const round = (value: number, step: number) => Math.round(value / step) * step;

export interface SimulationOptions {
  /** Override the RK4 sub-steps (tests compare against a fine-step reference). */
  subStepsPerMinute?: number;
  /** Another therapy for the same person and life (a paired in-silico trial), or a controller a user registered in `therapyControllers`; default the profile's own. */
  therapy?: Therapy | string;
  /** The CGM worn (default libre3), or a sensor a user registered in `cgmSensors`. */
  cgmDevice?: CgmDevice | string;
}

/** Simulates `totalMinutes` of one patient's life. Deterministic in (seed, patient index). */
export function simulatePatient(
  randomSeed: number,
  profile: PatientProfile,
  totalMinutes: number,
  options: SimulationOptions = {},
): PatientSeries {
  const scenario = planSchedule(randomSeed, profile.patientIndex, profile.habits, totalMinutes);
  // One stream per purpose: the body's day-to-day drift, the person's decisions (controllers/index.ts),
  // the CGM's error, the wearable's noise. None depends on the therapy.
  const index = profile.patientIndex;
  const asleepMinutes = scenario.kind.map((kind) => (kind === ActivityKind.Sleep ? 1 : 0));
  const cgm = cgmSensors.get(options.cgmDevice ?? 'libre3')({ randomSeed, patientIndex: index, totalMinutes, asleep: asleepMinutes });
  const wearable = new WristWearable(profile, randomStream(randomSeed, index, 'wearable'));
  const body = new PatientBody(
    profile,
    scenario.intensityTarget[0]!,
    scenario.kind[0] === ActivityKind.Sleep,
    options.subStepsPerMinute ?? RK4_SUBSTEPS_PER_MINUTE,
    randomStream(randomSeed, index, 'body'),
  );
  const controller = createController(options.therapy ?? profile.therapyKind, profile, scenario, personStreams(randomSeed, index));
  const signals = FEATURE_NAMES.map(() => new Float64Array(totalMinutes));
  const bloodGlucoseMgdl = new Float64Array(totalMinutes);

  for (let minute = 0; minute < totalMinutes; minute++) {
    const kind = scenario.kind[minute]!;
    const asleep = kind === ActivityKind.Sleep;
    const cgmMgdl = cgm.read(minute, body.interstitialGlucoseMgdl());
    const insulinOnBoard = body.insulinOnBoardUnits();

    // The person and their controller see no reading during warm-ups, failures and signal loss.
    const actions = controller.decide({
      minute,
      cgmMgdl: cgm.hasReading(minute) ? cgmMgdl : Number.NaN,
      bodyBolusInsulinOnBoardUnits: body.bolusInsulinOnBoardUnits(),
      asleep,
      moving: kind === ActivityKind.Walking || kind === ActivityKind.Exercise,
    });
    for (const food of actions.eat) body.eat(food.grams, food.rateGPerMin, food.fast);
    // A treated low means rest: the person sits down whatever the plan said.
    const planned = scenario.intensityTarget[minute]!;
    body.moveAndRespond(minute < actions.restUntilMinute ? Math.min(planned, 0.12) : planned, asleep);

    signals[F.glucose_mgdl]![minute] = cgmMgdl;
    bloodGlucoseMgdl[minute] = body.plasmaGlucoseMgdl();
    wearable.measure(minute, body, kind, asleep, signals);
    signals[F.insulin_on_board]![minute] = round(insulinOnBoard, 0.01);
    signals[F.carbs_in_stomach]![minute] = round(body.carbsInStomachGrams(), 0.1);
    signals[F.activity_intensity]![minute] = round(body.intensity, 0.001);
    signals[F.hour_of_day]![minute] = (minute % 1440) / 60;

    body.advance(minute, actions.basalUnitsPerMin, actions.bolusUnits);
  }
  return { signals, timeline: { ...controller.timeline, activityKind: scenario.kind }, bloodGlucoseMgdl, sensor: cgm.trace };
}
