// What a pump or loop knows of the insulin it gave: deliveries in 5-minute slots, and the insulin on
// board and insulin activity they leave, by the exponential action curve oref0 uses for
// rapid-acting insulin (peak 75 min, duration of action 5 h: oref0 lib/iob/calculate.js, after
// the curve Loop adopted). This is the device's model of insulin, not the body's (which is the
// UVA/Padova subcutaneous compartments).

/** Duration of insulin action, min: oref0 requires ≥ 5 h for its exponential curves. */
export const INSULIN_ACTION_MINUTES = 300;
/** Peak of insulin activity for rapid-acting analogues (oref0 "rapid-acting": Humalog, NovoRapid). */
export const INSULIN_PEAK_MINUTES = 75;
export const SLOT_MINUTES = 5;
/** oref0 projects insulin on board 4 h ahead in 5-minute ticks. */
export const PROJECTION_TICKS = 48;
const HISTORY_SLOTS = INSULIN_ACTION_MINUTES / SLOT_MINUTES + 1;

/** Fraction of a unit still on board, and its activity (U/min per U), `minutes` after delivery. */
function exponentialCurve(minutes: number): { onBoard: number; activity: number } {
  const end = INSULIN_ACTION_MINUTES;
  const peak = INSULIN_PEAK_MINUTES;
  if (minutes >= end) return { onBoard: 0, activity: 0 };
  const tau = (peak * (1 - peak / end)) / (1 - (2 * peak) / end);
  const a = (2 * tau) / end;
  const scale = 1 / (1 - a + (1 + a) * Math.exp(-end / tau));
  const decay = Math.exp(-minutes / tau);
  return {
    activity: (scale / (tau * tau)) * minutes * (1 - minutes / end) * decay,
    onBoard: 1 - scale * (1 - a) * (((minutes * minutes) / (tau * end * (1 - a)) - minutes / tau - 1) * decay + 1),
  };
}

/** The curve tabulated per whole minute of age (0 … action time), looked up in the hot path. */
const ON_BOARD = new Float64Array(INSULIN_ACTION_MINUTES + 1);
const ACTIVITY = new Float64Array(INSULIN_ACTION_MINUTES + 1);
for (let minute = 0; minute <= INSULIN_ACTION_MINUTES; minute++) {
  const value = exponentialCurve(minute);
  ON_BOARD[minute] = value.onBoard;
  ACTIVITY[minute] = value.activity;
}

const insulinOnBoardFraction = (minutesAgo: number) =>
  minutesAgo < 0 || minutesAgo >= INSULIN_ACTION_MINUTES ? (minutesAgo < 0 ? 1 : 0) : ON_BOARD[Math.round(minutesAgo)]!;

/**
 * Deliveries of the last 5 h in 5-minute slots (a ring), each slot's insulin taken at its middle
 * minute. Net of the scheduled basal when it records a loop's view (oref0 counts a temp basal's
 * difference from the schedule), or boluses only for a pump's bolus calculator.
 */
export class InsulinRecord {
  private readonly slots = new Float64Array(HISTORY_SLOTS);

  /** Adds `units` delivered in `minute`. */
  add(minute: number, units: number): void {
    const slot = Math.floor(minute / SLOT_MINUTES);
    const index = slot % HISTORY_SLOTS;
    // A slot is reused 5 h later: clear it when its first minute comes round again.
    if (minute % SLOT_MINUTES === 0) this.slots[index] = units;
    else this.slots[index]! += units;
  }

  /** Insulin on board at `minute` (after this minute's deliveries were added), U. */
  onBoardUnits(minute: number): number {
    let total = 0;
    const currentSlot = Math.floor(minute / SLOT_MINUTES);
    for (let back = 0; back < HISTORY_SLOTS && currentSlot - back >= 0; back++) {
      const slot = currentSlot - back;
      const units = this.slots[slot % HISTORY_SLOTS]!;
      if (units !== 0) total += units * insulinOnBoardFraction(Math.max(0, minute - (slot * SLOT_MINUTES + 2)));
    }
    return total;
  }

  /**
   * oref0's projection: insulin on board and activity now and every 5 minutes for 4 h from the
   * deliveries so far (`onBoard`, `activity`), and the same if a zero temp basal ran from now on
   * (`zeroTempOnBoard`, `zeroTempActivity`: each future slot less the scheduled basal).
   */
  project(minute: number, scheduledUnitsPerHourAt: (minute: number) => number, out: InsulinProjection): void {
    const currentSlot = Math.floor(minute / SLOT_MINUTES);
    out.onBoard.fill(0);
    out.activity.fill(0);
    for (let back = 0; back < HISTORY_SLOTS && currentSlot - back >= 0; back++) {
      const slot = currentSlot - back;
      const units = this.slots[slot % HISTORY_SLOTS]!;
      if (units === 0) continue;
      const deliveredAt = slot * SLOT_MINUTES + 2;
      for (let tick = 0; tick < PROJECTION_TICKS; tick++) {
        const age = minute + tick * SLOT_MINUTES - deliveredAt;
        if (age >= INSULIN_ACTION_MINUTES) break;
        const index = age < 0 ? 0 : age;
        out.onBoard[tick]! += units * (age < 0 ? 1 : ON_BOARD[index]!);
        out.activity[tick]! += units * ACTIVITY[index]!;
      }
    }
    out.zeroTempOnBoard.set(out.onBoard);
    out.zeroTempActivity.set(out.activity);
    for (let future = 0; future < PROJECTION_TICKS; future++) {
      const deliveredAt = minute + future * SLOT_MINUTES + 2;
      const withheldUnits = -(scheduledUnitsPerHourAt(deliveredAt) * SLOT_MINUTES) / 60;
      for (let tick = future + 1; tick < PROJECTION_TICKS; tick++) {
        const age = minute + tick * SLOT_MINUTES - deliveredAt;
        out.zeroTempOnBoard[tick]! += withheldUnits * ON_BOARD[age]!;
        out.zeroTempActivity[tick]! += withheldUnits * ACTIVITY[age]!;
      }
    }
  }
}

export interface InsulinProjection {
  onBoard: Float64Array;
  activity: Float64Array;
  zeroTempOnBoard: Float64Array;
  zeroTempActivity: Float64Array;
}

export function emptyProjection(): InsulinProjection {
  return {
    onBoard: new Float64Array(PROJECTION_TICKS),
    activity: new Float64Array(PROJECTION_TICKS),
    zeroTempOnBoard: new Float64Array(PROJECTION_TICKS),
    zeroTempActivity: new Float64Array(PROJECTION_TICKS),
  };
}
