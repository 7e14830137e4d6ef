// One shape for every real dataset the readers understand: a person's CGM readings (in the unit the
// set records, and in mg/dL), what else the set holds for them (insulin, carbs, heart rate, steps),
// and what the reader had to do to the raw files (notes).
import type { AgeGroup, Therapy } from '../domain/cohort.ts';

export type GlucoseUnit = 'mg/dL' | 'mmol/L';

/**
 * mg/dL per mmol/L of glucose: its molar mass, 180.156 g/mol, over 10 (dL per L). Sets recorded in
 * mmol/L are converted with it; the consensus thresholds in mmol/L (3.0, 3.9, 10.0, 13.9) stay
 * the rule for them (Battelino et al. 2019).
 */
export const MGDL_PER_MMOL = 18.0156;

/** What a reading held besides a number: Dexcom exports write `Low` below 40 mg/dL and `High` above 400. */
export const ReadingFlag = { Value: 0, Low: 1, High: 2 } as const;

export type RealTherapy = Therapy | 'unknown';
export type RealAgeGroup = AgeGroup | 'unknown';

/** Events at instants: boluses (U), meals (g of carbohydrate), long-acting injections (U). */
export interface RealEvents {
  timesMs: number[];
  amounts: number[];
}

/** A sampled signal (heart rate in bpm, steps per epoch). NaN where the device was off. */
export interface RealSignal {
  timesMs: Float64Array;
  values: Float64Array;
}

export interface RealPerson {
  /** The reader that read it: `t1d-uom`, `hupa-ucm`, `csv`, `ohiot1dm`. */
  format: string;
  /** The path it was read from. */
  path: string;
  personId: string;
  /** Timestamps as the set records them (local, naive), taken as UTC milliseconds; sorted, unique. */
  timesMs: Float64Array;
  /** Glucose in `unit`; a `Low`/`High` reading holds the device's floor or ceiling. */
  glucose: Float64Array;
  unit: GlucoseUnit;
  glucoseMgdl: Float64Array;
  /** ReadingFlag per reading. */
  flags: Uint8Array;
  /** The sensor's usual interval: the median gap between consecutive readings, minutes. */
  intervalMinutes: number;
  /** Glucose filled in by the set's authors between the sensor's own readings (HUPA-UCM): not for dynamics. */
  interpolated: boolean;
  /** Basal insulin: a pump's rate in U/h from each instant on, or long-acting doses in U. */
  basal?: { kind: 'rateUnitsPerHour'; timesMs: number[]; rates: number[] } | { kind: 'doseUnits'; events: RealEvents };
  bolusUnits?: RealEvents;
  carbsGrams?: RealEvents;
  heartRateBpm?: RealSignal;
  /** Steps counted over each epoch of `epochMinutes`, starting at its timestamp. */
  steps?: RealSignal & { epochMinutes: number };
  therapy: RealTherapy;
  ageGroup: RealAgeGroup;
  /** What the reader did to this person's records (duplicates dropped, periods left out, units decided). */
  notes: string[];
}

/** Bad input the user can fix: the CLI prints it as one line and exits 2. */
export class RealDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RealDataError';
  }
}

/** What a reader returns: the people it read, and one line per file or person left out, with why (readRealSet then keeps the people with one well-covered day). */
export interface RealSet {
  format: string;
  path: string;
  people: RealPerson[];
  leftOut: string[];
}
