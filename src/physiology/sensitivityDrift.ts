/**
 * Insulin sensitivity drifting within and between days: its log follows an Ornstein–Uhlenbeck
 * process with a 4-hour time constant and a per-person stationary SD, stepped once a minute and
 * bounded to ×0.5…×1.65 of the person's own. What the body's sensitivity is on a given day, not
 * the dawn phenomenon or exercise (simulation/patient.ts multiplies those in).
 */
import type { RandomStream } from '../util/random.ts';

/** Time constant of the drift, min. */
const SENSITIVITY_TAU_MIN = 240;
/** Bounds on log sensitivity: e^−0.7 ≈ 0.5, e^0.5 ≈ 1.65 of the person's own. */
const LOG_SENSITIVITY_MIN = -0.7;
const LOG_SENSITIVITY_MAX = 0.5;

export class SensitivityDrift {
  private readonly decay = Math.exp(-1 / SENSITIVITY_TAU_MIN);
  private readonly kick: number;
  private logSensitivity: number;

  /** Starts at a draw from the stationary distribution (SD `stationarySd` of log sensitivity). */
  constructor(
    stationarySd: number,
    private readonly rng: RandomStream,
  ) {
    this.kick = stationarySd * Math.sqrt(1 - this.decay ** 2);
    this.logSensitivity = stationarySd * rng.normal();
  }

  /** Advances one minute; returns the sensitivity multiplier for that minute. */
  step(): number {
    this.logSensitivity = this.logSensitivity * this.decay + this.kick * this.rng.normal();
    return Math.exp(Math.max(LOG_SENSITIVITY_MIN, Math.min(LOG_SENSITIVITY_MAX, this.logSensitivity)));
  }
}
