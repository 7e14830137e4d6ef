/** The CGM devices a cohort can wear (docs/PHYSIOLOGY.md §9): Abbott FreeStyle Libre 3, Dexcom G7, Dexcom G6. */
export const CGM_DEVICES = ['libre3', 'g7', 'g6'] as const;
export type CgmDevice = (typeof CGM_DEVICES)[number];

/** What the sensor is doing at a minute (the report's patient-week and the realism section read it). */
export const SensorState = {
  /** A live reading. */
  Reading: 0,
  /** A new sensor warming up: no reading. */
  WarmUp: 1,
  /** A sensor that ended early, not yet replaced: no reading. */
  Failed: 2,
  /** Signal loss between sensor and phone: no live reading. */
  SignalLoss: 3,
} as const;
