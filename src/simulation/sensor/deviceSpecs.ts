// What each CGM device does: how often it reads, how long a sensor is worn, how long a new one
// warms up, and how its error compares with the G6 population of Vettoretti 2019 (errorModel.ts).
import type { CgmDevice } from '../../domain/cgm.ts';

export interface CgmDeviceSpec {
  /** Minutes between readings; in between, the minute series holds the latest reading (as an app shows it). */
  readingIntervalMinutes: number;
  /** Days a sensor is worn before it must be changed. */
  wearDays: number;
  /** Minutes without readings after a new sensor is inserted. */
  warmUpMinutes: number;
  /** Share of sensors that stop before their wear length. */
  earlyFailureFraction: number;
  /** Scales the AR(2) noise and the spread of the calibration parameters against the G6 population. */
  errorScale: number;
  /** Extra noise on the first day of wear: SD × (1 + earlyWearExtra·e^(−days/0.3)). */
  earlyWearExtra: number;
  /** The lowest and highest glucose the device reports, mg/dL (its labelling); beyond, it shows Low or High and we record the limit. */
  reportingRangeMgdl: [number, number];
  /** The MARD range the device's studies report, %, for the realism check. */
  mardBandPct: [number, number];
  source: string;
}

/** Shah et al. 2018 (Diabetes Technol Ther 20:428–433): 13 % of G6 sensors ended before day 10; no comparable figure found for the others, so all use it. */
const EARLY_FAILURE_FRACTION = 0.13;

export const CGM_DEVICE_SPECS: Record<CgmDevice, CgmDeviceSpec> = {
  libre3: {
    readingIntervalMinutes: 1,
    wearDays: 14,
    warmUpMinutes: 60,
    earlyFailureFraction: EARLY_FAILURE_FRACTION,
    errorScale: 0.8,
    earlyWearExtra: 0.3,
    reportingRangeMgdl: [40, 500],
    mardBandPct: [7, 10],
    source:
      'Abbott labelling (1-min readings, 14 days, 60-min warm-up, 40–500 mg/dL); Alva et al. 2023 (Diabetes Ther 14:767–776): MARD 7.8 %, ' +
      '93.4 % within 20/20, stable over 14 days (without glucose manipulation; ~9 % in studies with it)',
  },
  g7: {
    readingIntervalMinutes: 5,
    wearDays: 10.5,
    warmUpMinutes: 30,
    earlyFailureFraction: EARLY_FAILURE_FRACTION,
    errorScale: 0.9,
    earlyWearExtra: 0.6,
    reportingRangeMgdl: [40, 400],
    mardBandPct: [7.5, 10.5],
    source:
      'Dexcom labelling (5-min readings, 10 days + 12 h grace, 30-min warm-up, 40–400 mg/dL); Garg et al. 2022 (Diabetes Technol Ther 24:373–380): MARD 8.2 % arm, 9.1 % abdomen',
  },
  g6: {
    readingIntervalMinutes: 5,
    wearDays: 10,
    warmUpMinutes: 120,
    earlyFailureFraction: EARLY_FAILURE_FRACTION,
    errorScale: 1,
    earlyWearExtra: 0.8,
    reportingRangeMgdl: [40, 400],
    mardBandPct: [8.5, 11],
    source:
      'Dexcom labelling (5-min readings, 10 days, 2-h warm-up, 40–400 mg/dL); Shah et al. 2018: MARD 9.8 %; G6 Pro real world: 13.6 % in the ' +
      'first 12 h, 10.1 % after a day; error model fitted to G6 (Vettoretti 2019)',
  },
};
