// The therapy a person is on, as the minute loop sees it: one controller per therapy, chosen by name
// from a registry a user can extend.
import type { PatientProfile } from '../../cohort/patientProfile.ts';
import type { Therapy } from '../../domain/cohort.ts';
import { randomStream, type RandomStream } from '../../util/random.ts';
import { PartRegistry } from '../registry.ts';
import type { DailySchedule } from '../scenario.ts';
import { AidController } from './aid.ts';
import { PenController } from './mdi.ts';
import { PumpController, type PumpStreams } from './pump.ts';
import type { TherapyController } from './types.ts';

export type { ControllerActions, ControllerInputs, TherapyController, TherapyTimeline } from './types.ts';

/** The person's decision streams: one per purpose, the same under every therapy. */
export function personStreams(randomSeed: number, patientIndex: number): PumpStreams & { loopAvailability: RandomStream } {
  return {
    loopAvailability: randomStream(randomSeed, patientIndex, 'loopAvailability'),
    meals: randomStream(randomSeed, patientIndex, 'mealDecisions'),
    hypo: randomStream(randomSeed, patientIndex, 'hypoResponses'),
    corrections: randomStream(randomSeed, patientIndex, 'corrections'),
    exercisePlan: randomStream(randomSeed, patientIndex, 'exercisePreparation'),
  };
}

/** What a controller is made from: the person, their planned days, and their decision streams. */
export type TherapyControllerFactory = (
  profile: PatientProfile,
  schedule: DailySchedule,
  streams: ReturnType<typeof personStreams>,
) => TherapyController;

/**
 * The therapy controllers, by name: the three built in, and whatever a user registers
 * (`therapyControllers.register('my-loop', (profile, schedule, streams) => …)`, then
 * `simulatePatient(…, { therapy: 'my-loop' })`).
 */
export const therapyControllers = new PartRegistry<TherapyControllerFactory>('therapy controller');
therapyControllers.register('mdi', (profile, schedule, streams) => new PenController(profile, schedule.meals, streams));
therapyControllers.register('pump', (profile, schedule, streams) => new PumpController(profile, schedule, streams));
therapyControllers.register('aid', (profile, schedule, streams) => new AidController(profile, schedule, streams));

/** The controller registered under `therapy` (a built-in Therapy or a user's name). */
export function createController(
  therapy: Therapy | string,
  profile: PatientProfile,
  schedule: DailySchedule,
  streams: ReturnType<typeof personStreams>,
): TherapyController {
  return therapyControllers.get(therapy)(profile, schedule, streams);
}
