// The one interface the minute loop calls for the CGM, whatever the device (beside
// controllers/types.ts for the therapy).

/** What the sensor did each minute of the stay. */
export interface SensorTrace {
  /** SensorState per minute. */
  state: Uint8Array;
  /** Days since the sensor whose error applies was inserted. */
  dayOfWear: Float32Array;
  /** The compression artefact in the reading, mg/dL (≤ 0). */
  compressionMgdl: Float32Array;
  /** Minutes at which a new sensor was inserted. */
  sensorStarts: number[];
  /** Minutes at which the person began lying on the sensor. */
  compressionStarts: number[];
}

export interface CgmSensor {
  /** Filled in when the sensor is made; read after the stay (gaps, accuracy by day of wear, the report's patient-week). */
  readonly trace: SensorTrace;
  /**
   * The value recorded for `minute` (mg/dL, rounded as the device reports it), given interstitial
   * glucose now. Called once a minute, in order.
   */
  read(minute: number, interstitialMgdl: number): number;
  /** Whether a live reading was there at `minute` (the person and their controller see nothing otherwise). */
  hasReading(minute: number): boolean;
}

/** What a sensor is made from: the patient's seed and index (its random streams), the stay, and when the person sleeps. */
export interface SensorContext {
  randomSeed: number;
  patientIndex: number;
  totalMinutes: number;
  /** 1 where the person sleeps. */
  asleep: Uint8Array;
}

export type CgmSensorFactory = (context: SensorContext) => CgmSensor;
