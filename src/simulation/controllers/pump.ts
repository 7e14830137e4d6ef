// Insulin pump (CSII) without automation: an hourly basal profile, boluses from the pump's bolus
// calculator (carbs over the carb ratio plus a correction, less the bolus insulin the pump still
// counts on board) in 0.05 U steps, and a temporary basal reduction before planned exercise when
// the person remembers to set one.
import type { PatientProfile, TherapySettings } from '../../cohort/patientProfile.ts';
import { ActivityKind } from '../../domain/activity.ts';
import { bernoulli, type RandomStream } from '../../util/random.ts';
import type { DailySchedule } from '../scenario.ts';
import { InsulinRecord } from './insulinRecord.ts';
import { roundToStep } from './mdi.ts';
import { Person, PUMP_CORRECTIONS, type BolusCalculator, type PersonStreams } from './person.ts';
import { emptyTimeline, recordBasal, type ControllerActions, type ControllerInputs, type TherapyController } from './types.ts';

/** Bolus and basal increments of the pumps in simglucose's pump table (Cozmo, Insulet): 0.05 U. */
export const PUMP_STEP_UNITS = 0.05;
/**
 * Before planned exercise: basal at 50 % from 90 min before the start to its end (consensus on
 * exercise in type 1 diabetes: basal reduced by up to 50–80 % about 90 min before; Riddell et al.,
 * Lancet Diabetes Endocrinol 2017).
 */
export const EXERCISE_TEMP_BASAL_FRACTION = 0.5;
export const EXERCISE_PREPARATION_MINUTES = 90;

/** Planned exercise sessions [start, end) from the day plan, and whether the person prepares for each. */
export interface PreparedSessions {
  start: number[];
  end: number[];
  prepared: boolean[];
}

/** Sessions of exercise in the plan (contiguous exercise minutes); one draw per session from `stream`. */
export function plannedExercise(schedule: DailySchedule, preparationProbability: number, stream: RandomStream): PreparedSessions {
  const sessions: PreparedSessions = { start: [], end: [], prepared: [] };
  const { kind } = schedule;
  for (let minute = 0; minute < kind.length; minute++) {
    if (kind[minute] !== ActivityKind.Exercise || (minute > 0 && kind[minute - 1] === ActivityKind.Exercise)) continue;
    let end = minute;
    while (end < kind.length && kind[end] === ActivityKind.Exercise) end++;
    sessions.start.push(minute);
    sessions.end.push(end);
    sessions.prepared.push(bernoulli(stream, preparationProbability));
  }
  return sessions;
}

/** Index of the prepared session whose preparation window [start − lead, end) holds `minute`, or −1. */
export function preparedSessionAt(sessions: PreparedSessions, minute: number, leadMinutes: number, from: number): number {
  for (let i = from; i < sessions.start.length; i++) {
    if (sessions.start[i]! - leadMinutes > minute) return -1;
    if (sessions.prepared[i] && minute < sessions.end[i]!) return i;
  }
  return -1;
}

/** The pump's scheduled basal rate at a minute, U/h. */
export const scheduledBasalUnitsPerHour = (therapy: TherapySettings, minute: number) =>
  therapy.basalProfileUnitsPerHour[Math.floor((minute % 1440) / 60)]!;

/**
 * Bolus calculator: carbs/CR plus (G − target)/CF less insulin on board; below target the correction
 * is negative. Without a CGM reading (NaN) it doses the carbs alone, as a pump wizard without a BG does.
 */
export function pumpBolusUnits(therapy: TherapySettings, countedCarbsGrams: number, cgmMgdl: number, insulinOnBoardUnits: number): number {
  const carbUnits = countedCarbsGrams / therapy.carbRatioGramsPerUnit;
  if (Number.isNaN(cgmMgdl)) return carbUnits;
  const correction = (cgmMgdl - therapy.targetGlucoseMgdl) / therapy.correctionFactorMgdlPerUnit;
  return Math.max(0, carbUnits + (correction > 0 ? Math.max(0, correction - insulinOnBoardUnits) : correction));
}

export interface PumpStreams extends PersonStreams {
  exercisePlan: RandomStream;
}

export class PumpController implements TherapyController, BolusCalculator {
  readonly timeline = emptyTimeline();
  readonly corrections = PUMP_CORRECTIONS;
  protected readonly person: Person;
  protected readonly therapy: TherapySettings;
  protected readonly sessions: PreparedSessions;
  protected sessionCursor = 0;
  /** Bolus insulin the pump counts on board. */
  private readonly bolusRecord = new InsulinRecord();
  protected readonly actions: ControllerActions = { eat: [], bolusUnits: 0, basalUnitsPerMin: 0, restUntilMinute: -1 };

  constructor(profile: PatientProfile, schedule: DailySchedule, streams: PumpStreams) {
    this.therapy = profile.therapy;
    this.person = new Person(profile.habits, schedule.meals, streams.meals, streams.hypo, streams.corrections, this.timeline);
    this.sessions = plannedExercise(schedule, profile.habits.exercisePreparationProbability, streams.exercisePlan);
  }

  /** The pump's view of insulin on board for its calculator. */
  protected calculatorInsulinOnBoardUnits(minute: number): number {
    return this.bolusRecord.onBoardUnits(minute);
  }

  mealBolusUnits(countedCarbsGrams: number, now: ControllerInputs): number {
    return pumpBolusUnits(this.therapy, countedCarbsGrams, now.cgmMgdl, this.calculatorInsulinOnBoardUnits(now.minute));
  }

  correctionUnits(now: ControllerInputs, thresholdMgdl: number): number {
    if (!(now.cgmMgdl > thresholdMgdl)) return 0;
    return pumpBolusUnits(this.therapy, 0, now.cgmMgdl, this.calculatorInsulinOnBoardUnits(now.minute));
  }

  roundDose(units: number): number {
    return roundToStep(units, PUMP_STEP_UNITS);
  }

  /** Index of the prepared exercise session whose preparation window holds `minute` (−1: none). */
  protected preparingFor(minute: number, leadMinutes: number): number {
    while (this.sessionCursor < this.sessions.start.length && this.sessions.end[this.sessionCursor]! <= minute) this.sessionCursor++;
    return preparedSessionAt(this.sessions, minute, leadMinutes, this.sessionCursor);
  }

  /** The basal rate this minute, U/h: the schedule, or the exercise temp basal. */
  protected basalUnitsPerHour(now: ControllerInputs): number {
    const scheduled = scheduledBasalUnitsPerHour(this.therapy, now.minute);
    if (this.preparingFor(now.minute, EXERCISE_PREPARATION_MINUTES) >= 0)
      return roundToStep(scheduled * EXERCISE_TEMP_BASAL_FRACTION, PUMP_STEP_UNITS);
    return scheduled;
  }

  /** What was delivered this minute, for the device's own records. */
  protected delivered(minute: number, bolusUnits: number, _basalUnitsPerHour: number): void {
    this.bolusRecord.add(minute, bolusUnits);
  }

  decide(now: ControllerInputs): ControllerActions {
    const person = this.person.act(now, this);
    const { actions } = this;
    const unitsPerHour = this.basalUnitsPerHour(now);
    recordBasal(this.timeline, now.minute, unitsPerHour);
    this.delivered(now.minute, person.bolusUnits, unitsPerHour);
    actions.eat = person.eat;
    actions.bolusUnits = person.bolusUnits;
    actions.basalUnitsPerMin = unitsPerHour / 60;
    actions.restUntilMinute = person.restUntilMinute;
    return actions;
  }
}
