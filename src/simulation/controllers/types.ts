// The one interface the minute loop calls, whatever the therapy (mdi, pump, aid).

/** What the person sees and is doing this minute. */
export interface ControllerInputs {
  minute: number;
  /** What the CGM shows now, mg/dL. */
  cgmMgdl: number;
  /** Bolus insulin still in the body's depots (basal excluded), U: what a pen user's mental arithmetic approximates. */
  bodyBolusInsulinOnBoardUnits: number;
  asleep: boolean;
  moving: boolean;
}

/** Carbohydrate the person starts eating: a mixed meal, or fast sugars (snacks, hypo treatments). */
export interface Food {
  grams: number;
  rateGPerMin: number;
  /** Sugars taken on their own, absorbed through the body's fast route. */
  fast: boolean;
}

/** What happens this minute: carbs to start eating (in order), insulin delivered, and whether to rest. */
export interface ControllerActions {
  eat: Food[];
  /** Bolus given this minute, U. */
  bolusUnits: number;
  /** Basal insulin delivered this minute, U/min (long-acting insulin on pens, the pump's rate otherwise). */
  basalUnitsPerMin: number;
  /** The person stops any activity until this minute (a treated low). */
  restUntilMinute: number;
}

/** When things happened (a few dozen entries a day), for the report's example patient-day. */
export interface TherapyTimeline {
  mealMinutes: number[];
  mealGrams: number[];
  bolusMinutes: number[];
  bolusUnits: number[];
  hypoTreatmentMinutes: number[];
  /** Every change of the basal rate actually delivered (schedule, temp basal, suspension), U/h from that minute on. */
  basalChangeMinutes: number[];
  basalUnitsPerHour: number[];
  /** Closed loop only: how many times the algorithm decided. */
  loopDecisions: number;
}

export interface TherapyController {
  readonly timeline: TherapyTimeline;
  decide(now: ControllerInputs): ControllerActions;
}

export function emptyTimeline(): TherapyTimeline {
  return {
    mealMinutes: [],
    mealGrams: [],
    bolusMinutes: [],
    bolusUnits: [],
    hypoTreatmentMinutes: [],
    basalChangeMinutes: [],
    basalUnitsPerHour: [],
    loopDecisions: 0,
  };
}

/** Records a basal rate when it differs from the last one recorded. */
export function recordBasal(timeline: TherapyTimeline, minute: number, unitsPerHour: number): void {
  const last = timeline.basalUnitsPerHour.length - 1;
  if (last >= 0 && Math.abs(timeline.basalUnitsPerHour[last]! - unitsPerHour) < 1e-9) return;
  timeline.basalChangeMinutes.push(minute);
  timeline.basalUnitsPerHour.push(unitsPerHour);
}
