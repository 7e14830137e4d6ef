// The therapy a person is on, as the minute loop sees it: one controller per therapy.
import type { PatientProfile } from '../../cohort/patientProfile.ts';
import type { Therapy } from '../../domain/cohort.ts';
import { randomStream, type RandomStream } from '../../util/random.ts';
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

export function createController(
  therapy: Therapy,
  profile: PatientProfile,
  schedule: DailySchedule,
  streams: ReturnType<typeof personStreams>,
): TherapyController {
  switch (therapy) {
    case 'mdi':
      return new PenController(profile, schedule.meals, streams);
    case 'pump':
      return new PumpController(profile, schedule, streams);
    case 'aid':
      return new AidController(profile, schedule, streams);
  }
}
