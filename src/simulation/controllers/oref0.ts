// The OpenAPS reference algorithm itself: oref0's determine-basal (npm oref0, pinned), called
// unchanged. It logs ~90 lines per decision through console.error and process.stderr.write; both
// are silenced around each call (the algorithm's result does not depend on its logging), and the
// two variables it assigns without declaring them (`csf`, `COBpredBG`, set before every use) are
// reset to undefined after each call, so no value carries over between calls or patients. Reset,
// not deleted: deleting global properties on every call turns the global object into a slow
// dictionary for oref0's own global reads (measured: 42 µs per call with delete, 9 µs with reset).
// It must run as CommonJS in sloppy mode (those assignments throw in strict mode), so it is
// required from node_modules, never bundled.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** oref0's glucose status (lib/glucose-get-last.js): deltas in mg/dL per 5 min. */
export interface GlucoseStatus {
  glucose: number;
  delta: number;
  short_avgdelta: number;
  long_avgdelta: number;
  date: number;
  noise: number;
  device: string;
}

/** One tick of oref0's insulin-on-board projection (lib/iob). */
export interface IobTick {
  iob: number;
  activity: number;
  iobWithZeroTemp: { iob: number; activity: number };
  lastBolusTime?: number;
  lastTemp?: { date: number; rate?: number; duration?: number };
}

export interface MealData {
  carbs: number;
  mealCOB: number;
  lastCarbTime: number;
  slopeFromMaxDeviation: number;
  slopeFromMinDeviation: number;
  bwFound: boolean;
  bwCarbs: boolean;
}

/** Meal data with no carbs entered. */
export const noMealData = (): MealData => ({
  carbs: 0,
  mealCOB: 0,
  lastCarbTime: 0,
  slopeFromMaxDeviation: 0,
  slopeFromMinDeviation: 0,
  bwFound: false,
  bwCarbs: false,
});

export interface CurrentTemp {
  duration: number;
  rate: number;
  temp: 'absolute';
}

/** What determine-basal asks for: a temp basal (rate U/h for duration min; duration 0 cancels), or nothing. */
export interface Oref0Decision {
  rate?: number;
  duration?: number;
  reason?: string;
  error?: string;
  eventualBG?: number;
}

type DetermineBasal = (
  glucoseStatus: GlucoseStatus,
  currentTemp: CurrentTemp,
  iobData: IobTick[],
  profile: Record<string, unknown>,
  autosensData: { ratio: number },
  mealData: MealData,
  tempBasalFunctions: unknown,
  microBolusAllowed: boolean,
  reservoirData: unknown,
  currentTime: Date,
) => Oref0Decision;

const determineBasal = require('oref0/lib/determine-basal/determine-basal.js') as DetermineBasal;
const tempBasalFunctions = require('oref0/lib/basal-set-temp.js') as unknown;
const roundBasal = require('oref0/lib/round-basal.js') as (rate: number, profile: unknown) => number;

const silent = () => true;
const AUTOSENS_OFF = { ratio: 1 };
const LEAKED_GLOBALS = ['csf', 'COBpredBG'] as const;

/** Runs one decision of oref0 with its logging silenced; micro-boluses are never allowed. */
export function decideTempBasal(
  glucoseStatus: GlucoseStatus,
  currentTemp: CurrentTemp,
  iobData: IobTick[],
  profile: Record<string, unknown>,
  mealData: MealData,
  currentTime: Date,
): Oref0Decision {
  const consoleError = console.error;
  const stderrWrite = process.stderr.write;
  console.error = silent;
  process.stderr.write = silent as typeof process.stderr.write;
  try {
    return determineBasal(
      glucoseStatus,
      currentTemp,
      iobData,
      profile,
      AUTOSENS_OFF,
      mealData,
      tempBasalFunctions,
      false,
      undefined,
      currentTime,
    );
  } finally {
    console.error = consoleError;
    process.stderr.write = stderrWrite;
    const global = globalThis as Record<string, unknown>;
    for (const name of LEAKED_GLOBALS) global[name] = undefined;
  }
}

/** oref0's own rounding of a basal rate to what a pump can deliver. */
export const roundBasalRate = (unitsPerHour: number) => roundBasal(unitsPerHour, undefined);
