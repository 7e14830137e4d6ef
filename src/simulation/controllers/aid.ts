// Hybrid closed loop (automated insulin delivery): the pump and the person as in pump.ts, and every
// 5 minutes the OpenAPS reference algorithm (oref0 determine-basal) sets a temporary basal from the
// CGM. Its inputs are built here from the simulation, as oref0's own helpers would build them from
// the pump's history, but incrementally (those helpers cost 15–50 ms a call): the glucose status
// from the CGM readings of the last 45 min, the insulin-on-board projection with its zero-temp twin
// from the loop's delivery record, carbs on board from the carbs the person entered, the profile
// from the person's pump settings. Settings and their sources: docs/PHYSIOLOGY.md "Closed loop".
import type { PatientProfile } from '../../cohort/patientProfile.ts';
import type { RandomStream } from '../../util/random.ts';
import { SIMULATION_START_EPOCH_MS, type DailySchedule } from '../scenario.ts';
import { emptyProjection, InsulinRecord, PROJECTION_TICKS } from './insulinRecord.ts';
import { decideTempBasal, noMealData, roundBasalRate, type CurrentTemp, type GlucoseStatus, type IobTick, type MealData } from './oref0.ts';
import { PumpController, scheduledBasalUnitsPerHour, type PumpStreams } from './pump.ts';
import type { ControllerInputs } from './types.ts';

export const LOOP_INTERVAL_MINUTES = 5;
/** Target of the loop, mg/dL (min_bg = max_bg). OpenAPS users commonly run 100–110. */
export const LOOP_TARGET_MGDL = 110;
/**
 * Children and adolescents: families and clinics set higher targets (the Omnipod 5 paediatric trial
 * let them choose 110–150 mg/dL, Sherr et al. 2022, Diabetes Care 45:1907–1910; ISPAD 2022 advises
 * individual targets for the young).
 */
export const PAEDIATRIC_LOOP_TARGET_MGDL = 130;

/** The loop target for a person. */
export const loopTargetMgdl = (profile: Pick<PatientProfile, 'ageGroup'>) =>
  profile.ageGroup === 'adult' ? LOOP_TARGET_MGDL : PAEDIATRIC_LOOP_TARGET_MGDL;
/** Activity temp target before and during exercise the person prepares for (OpenAPS "exercise" temp target). */
export const EXERCISE_TEMP_TARGET_MGDL = 150;
export const EXERCISE_TEMP_TARGET_LEAD_MINUTES = 60;
/** oref0 defaults: carbs count for 6 h, absorb at least 8 mg/dL per 5 min, at most 120 g on board. */
const CARB_WINDOW_MINUTES = 360;
const MIN_5M_CARB_IMPACT = 8;
const MAX_COB_GRAMS = 120;
const CGM_HISTORY_MINUTES = 64;
/** Mean length of a stretch in open loop (no CGM link, pump disconnected or changed, loop app not running), min. */
const OPEN_LOOP_MEAN_MINUTES = 120;
const minuteToMs = (minute: number) => SIMULATION_START_EPOCH_MS + minute * 60_000;

/** oref0's profile for a person (the settings it reads; everything else at oref0's defaults). */
export function oref0Profile(profile: PatientProfile, targetMgdl: number): Record<string, unknown> {
  const { therapy } = profile;
  const maxDailyBasal = Math.max(...therapy.basalProfileUnitsPerHour);
  // OpenAPS documentation ("preferences and safety settings"): max IOB no more than 3 × the highest
  // basal rate; the pump's own maximum basal 4 × the highest scheduled rate (iAPS documentation).
  return {
    max_iob: Math.round(3 * maxDailyBasal * 100) / 100,
    max_daily_basal: maxDailyBasal,
    max_basal: Math.round(4 * maxDailyBasal * 20) / 20,
    max_daily_safety_multiplier: 3,
    current_basal_safety_multiplier: 4,
    current_basal: 0,
    min_bg: targetMgdl,
    max_bg: targetMgdl,
    temptargetSet: targetMgdl === EXERCISE_TEMP_TARGET_MGDL,
    sens: therapy.correctionFactorMgdlPerUnit,
    carb_ratio: therapy.carbRatioGramsPerUnit,
    dia: 5,
    curve: 'rapid-acting',
    out_units: 'mg/dL',
    // Deterministic: with skip_neutral_temps oref0 reads the local clock's minutes past the hour.
    skip_neutral_temps: false,
    // Micro-boluses and unannounced-meal detection off: a temp-basal-only loop.
    enableSMB_always: false,
    enableSMB_with_COB: false,
    enableSMB_after_carbs: false,
    enableSMB_with_temptarget: false,
    enableSMB_high_bg: false,
    enableUAM: false,
    autosens_max: 1.2,
    autosens_min: 0.7,
    sensitivity_raises_target: true,
    resistance_lowers_target: false,
    high_temptarget_raises_sensitivity: false,
    low_temptarget_lowers_sensitivity: false,
    exercise_mode: false,
    noisyCGMTargetMultiplier: 1.3,
    maxRaw: 200,
    remainingCarbsCap: 90,
    remainingCarbsFraction: 1,
    carbsReqThreshold: 1,
    maxCOB: MAX_COB_GRAMS,
    min_5m_carbimpact: MIN_5M_CARB_IMPACT,
  };
}

/**
 * Minutes in closed loop: open-loop stretches (exponential, mean 2 h) start at random so that a
 * fraction `openLoopFraction` of the time is open loop on average. Drawn up front from a stream of
 * its own: when the loop runs does not depend on the glucose.
 */
export function loopRunningMinutes(totalMinutes: number, openLoopFraction: number, stream: RandomStream): Uint8Array {
  const running = new Uint8Array(totalMinutes).fill(1);
  if (openLoopFraction <= 0) return running;
  const meanClosedMinutes = (OPEN_LOOP_MEAN_MINUTES * (1 - openLoopFraction)) / openLoopFraction;
  let minute = Math.round(-Math.log(1 - stream.uniform()) * meanClosedMinutes);
  while (minute < totalMinutes) {
    const length = Math.max(5, Math.round(-Math.log(1 - stream.uniform()) * OPEN_LOOP_MEAN_MINUTES));
    running.fill(0, minute, Math.min(totalMinutes, minute + length));
    minute += length + Math.round(-Math.log(1 - stream.uniform()) * meanClosedMinutes);
  }
  return running;
}

export class AidController extends PumpController {
  /** Net insulin (boluses and the temp basal's difference from the schedule) the loop counts on board. */
  private readonly netRecord = new InsulinRecord();
  private readonly projection = emptyProjection();
  private readonly iobTicks: IobTick[];
  private readonly cgmHistory = new Float64Array(CGM_HISTORY_MINUTES);
  private readonly profiles: { usual: Record<string, unknown>; exercise: Record<string, unknown> };
  private readonly glucoseStatus: GlucoseStatus = {
    glucose: 0,
    delta: 0,
    short_avgdelta: 0,
    long_avgdelta: 0,
    date: 0,
    noise: 0,
    device: 'simulated-cgm',
  };
  private readonly currentTemp: CurrentTemp = { duration: 0, rate: 0, temp: 'absolute' };
  private readonly mealData: MealData = noMealData();
  private readonly scheduleAt = (minute: number) => scheduledBasalUnitsPerHour(this.therapy, minute);
  // The running temp basal (none: duration 0) and the carbs entered in the last 6 h.
  private tempRate = 0;
  private tempStartMinute = -1;
  private tempDurationMinutes = 0;
  private lastBolusMinute = -1;
  private readonly carbEntryMinutes: number[] = [];
  private readonly carbEntryGrams: number[] = [];
  private carbsOnBoardGrams = 0;
  private lastActivity = 0;
  /** 1 where the loop is running, 0 in stretches of open loop (the pump then follows its schedule). */
  private readonly loopRunning: Uint8Array;

  constructor(profile: PatientProfile, schedule: DailySchedule, streams: PumpStreams & { loopAvailability: RandomStream }) {
    super(profile, schedule, streams);
    this.loopRunning = loopRunningMinutes(schedule.totalMinutes, profile.habits.openLoopFraction, streams.loopAvailability);
    this.profiles = { usual: oref0Profile(profile, loopTargetMgdl(profile)), exercise: oref0Profile(profile, EXERCISE_TEMP_TARGET_MGDL) };
    this.iobTicks = Array.from({ length: PROJECTION_TICKS }, () => ({ iob: 0, activity: 0, iobWithZeroTemp: { iob: 0, activity: 0 } }));
  }

  /** The loop's calculator subtracts net insulin on board (negative after a low temp basal). */
  protected override calculatorInsulinOnBoardUnits(minute: number): number {
    return this.netRecord.onBoardUnits(minute);
  }

  carbsEntered(countedCarbsGrams: number, minute: number): void {
    this.carbEntryMinutes.push(minute);
    this.carbEntryGrams.push(countedCarbsGrams);
    this.carbsOnBoardGrams = Math.min(MAX_COB_GRAMS, this.carbsOnBoardGrams + countedCarbsGrams);
  }

  protected override delivered(minute: number, bolusUnits: number, basalUnitsPerHour: number): void {
    if (bolusUnits > 0) this.lastBolusMinute = minute;
    this.netRecord.add(minute, bolusUnits + (basalUnitsPerHour - this.scheduleAt(minute)) / 60);
  }

  protected override basalUnitsPerHour(now: ControllerInputs): number {
    const { minute } = now;
    this.cgmHistory[minute % CGM_HISTORY_MINUTES] = now.cgmMgdl;
    // Without a reading the loop decides nothing: the running temp basal ends at its duration and the
    // pump goes back to its schedule (what OpenAPS does when its glucose data is stale).
    if (minute % LOOP_INTERVAL_MINUTES === 0 && this.loopRunning[minute] === 1 && !Number.isNaN(now.cgmMgdl)) this.runLoop(now);
    if (this.tempStartMinute >= 0 && minute >= this.tempStartMinute + this.tempDurationMinutes) this.tempStartMinute = -1;
    return this.tempStartMinute >= 0 ? this.tempRate : this.scheduleAt(minute);
  }

  /** The CGM reading `minutesAgo` before `minute` (the first reading stands in before the stay began). */
  private cgmAgo(minute: number, minutesAgo: number): number {
    return this.cgmHistory[Math.max(0, minute - minutesAgo) % CGM_HISTORY_MINUTES]!;
  }

  private runLoop(now: ControllerInputs): void {
    const { minute } = now;
    const timeline = this.timeline;
    timeline.loopDecisions++;
    // Glucose status as lib/glucose-get-last.js computes it from 5-minute readings: the last delta,
    // the mean of the deltas to readings 5–15 min ago, and of those 20–40 min ago (mg/dL per 5 min).
    // Readings missing from the history (signal loss, a warm-up) are left out of the averages, as
    // glucose-get-last.js averages the readings it has; with none, the change counts as flat.
    const bg = now.cgmMgdl;
    const meanPerFive = (...minutesAgo: number[]) => {
      let sum = 0,
        count = 0;
      for (const ago of minutesAgo) {
        const past = this.cgmAgo(minute, ago);
        if (Number.isNaN(past)) continue;
        sum += ((bg - past) / ago) * 5;
        count++;
      }
      return count > 0 ? sum / count : Number.NaN;
    };
    const status = this.glucoseStatus;
    status.glucose = bg;
    status.short_avgdelta = Math.round((meanPerFive(5, 10, 15) || 0) * 100) / 100;
    const delta = meanPerFive(5);
    status.delta = Number.isNaN(delta) ? status.short_avgdelta : Math.round(delta * 100) / 100;
    status.long_avgdelta = Math.round((meanPerFive(20, 25, 30, 35, 40) || 0) * 100) / 100;
    status.date = minuteToMs(minute);

    // Insulin on board now and projected, rounded as lib/iob/total.js rounds them.
    this.netRecord.project(minute, this.scheduleAt, this.projection);
    const { onBoard, activity, zeroTempOnBoard, zeroTempActivity } = this.projection;
    for (let tick = 0; tick < PROJECTION_TICKS; tick++) {
      const entry = this.iobTicks[tick]!;
      entry.iob = Math.round(onBoard[tick]! * 1000) / 1000;
      entry.activity = Math.round(activity[tick]! * 10000) / 10000;
      entry.iobWithZeroTemp.iob = Math.round(zeroTempOnBoard[tick]! * 1000) / 1000;
      entry.iobWithZeroTemp.activity = Math.round(zeroTempActivity[tick]! * 10000) / 10000;
    }
    const first = this.iobTicks[0]!;
    first.lastBolusTime = this.lastBolusMinute >= 0 ? minuteToMs(this.lastBolusMinute) : 0;
    first.lastTemp =
      this.tempStartMinute >= 0
        ? { date: minuteToMs(this.tempStartMinute), rate: this.tempRate, duration: this.tempDurationMinutes }
        : { date: 0 };

    this.updateCarbsOnBoard(minute, status.delta, activity[0]!);
    const temp = this.currentTemp;
    const running = this.tempStartMinute >= 0 && minute < this.tempStartMinute + this.tempDurationMinutes;
    temp.rate = running ? this.tempRate : 0;
    temp.duration = running ? this.tempStartMinute + this.tempDurationMinutes - minute : 0;

    const exercising = this.preparingFor(minute, EXERCISE_TEMP_TARGET_LEAD_MINUTES) >= 0;
    const profile = exercising ? this.profiles.exercise : this.profiles.usual;
    profile.current_basal = this.scheduleAt(minute);
    const decision = decideTempBasal(status, temp, this.iobTicks, profile, this.mealData, new Date(minuteToMs(minute)));
    if (decision.error) throw new Error(`oref0 determine-basal at minute ${minute}: ${decision.error}`);
    if (typeof decision.rate === 'number' && typeof decision.duration === 'number') {
      if (decision.duration === 0) {
        this.tempStartMinute = -1;
      } else {
        this.tempRate = roundBasalRate(decision.rate);
        this.tempStartMinute = minute;
        this.tempDurationMinutes = decision.duration;
      }
    }
  }

  /**
   * Carbs on board as oref0 reckons them: entered carbs, absorbed at the rate the glucose deviates
   * from what insulin alone would do (at least min_5m_carbimpact), over 6 h at most (lib/meal, cob.js).
   */
  private updateCarbsOnBoard(minute: number, deltaPerFive: number, activityNow: number): void {
    const { therapy } = this;
    const insulinImpactPerFive = -this.lastActivity * therapy.correctionFactorMgdlPerUnit * 5;
    this.lastActivity = activityNow;
    const deviation = deltaPerFive - insulinImpactPerFive;
    const absorbedGrams = (Math.max(deviation, MIN_5M_CARB_IMPACT) * therapy.carbRatioGramsPerUnit) / therapy.correctionFactorMgdlPerUnit;
    this.carbsOnBoardGrams = Math.max(0, this.carbsOnBoardGrams - absorbedGrams);
    while (this.carbEntryMinutes.length && minute - this.carbEntryMinutes[0]! > CARB_WINDOW_MINUTES) {
      this.carbEntryMinutes.shift();
      this.carbEntryGrams.shift();
    }
    let carbs = 0;
    for (const grams of this.carbEntryGrams) carbs += grams;
    if (carbs === 0) this.carbsOnBoardGrams = 0;
    const meal = this.mealData;
    meal.carbs = Math.round(carbs);
    meal.mealCOB = Math.round(Math.min(this.carbsOnBoardGrams, carbs));
    meal.lastCarbTime = this.carbEntryMinutes.length ? minuteToMs(this.carbEntryMinutes[this.carbEntryMinutes.length - 1]!) : 0;
  }
}
