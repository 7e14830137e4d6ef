// Both sides on one ground: every person's glucose on a 5-minute grid (a slot holds the reading
// nearest its time, gaps stay NaN), in the unit the set recorded and in mg/dL on a common value
// grid of 0.1 mmol/L, so a set recorded to one decimal of mmol/L is not told apart by granularity.
import { carbsRemaining, longInsulinRemaining, onBoard, rapidInsulinRemaining } from './onBoard.ts';
import { MGDL_PER_MMOL, ReadingFlag, type GlucoseUnit, type RealAgeGroup, type RealPerson, type RealTherapy } from '../real/types.ts';

import { SLOT_MINUTES, SLOT_MS, SLOTS_PER_DAY } from './grid.ts';
/** Dynamics figures use sensors reporting every 5 minutes or faster (a 4–5 minute median gap rounds to it). */
export const DYNAMICS_MAX_INTERVAL_MINUTES = 5.5;

export type Side = 'real' | 'synthetic';

export interface GridSeries {
  side: Side;
  /** `t1d-uom`, `hupa-ucm`, `csv`, `ohiot1dm`, or `generated`. */
  source: string;
  personId: string;
  therapy: RealTherapy;
  ageGroup: RealAgeGroup;
  /** Time of slot 0 (naive local time as UTC ms; a multiple of 5 minutes). */
  startMs: number;
  unit: GlucoseUnit;
  /** Per slot, in `unit`; NaN where there was no reading. */
  glucose: Float64Array;
  /** Per slot, mg/dL on the common value grid. */
  commonMgdl: Float64Array;
  /** Per slot: 1 where the reading was at or above the device's ceiling (a `High`, or ≥ 400 mg/dL / 22.2 mmol/L). */
  atCeiling: Uint8Array;
  intervalMinutes: number;
  /** Whether its dynamics (5-minute change, autocorrelation, discriminator, forecasting) are used. */
  dynamics: boolean;
  /** Why not, when it is not. */
  dynamicsExcludedBecause?: string;
  heartRateBpm?: Float64Array;
  stepsPerMinute?: Float64Array;
  /** Real sets with events: per slot, U of bolus, U of basal, g of carbs; and whether a meal or bolus started there. */
  bolusUnits?: Float64Array;
  basalUnits?: Float64Array;
  carbsGrams?: Float64Array;
  /** Per slot: insulin on board (U) and carbohydrate in the gut (g): the generated dataset's columns, or computed from a real set's events (onBoard.ts). */
  iobUnits?: Float64Array;
  cobGrams?: Float64Array;
}

/** mg/dL rounded to the nearest 0.1 mmol/L, back in mg/dL. */
export const onCommonGrid = (mgdl: number) => (Math.round((mgdl / MGDL_PER_MMOL) * 10) / 10) * MGDL_PER_MMOL;

/** Places samples on slots from `startMs` (the nearest slot; of several in one slot the one nearest its time). */
export function toSlots(timesMs: ArrayLike<number>, values: ArrayLike<number>, startMs: number, slots: number): Float64Array {
  const out = new Float64Array(slots).fill(Number.NaN);
  const distance = new Float64Array(slots).fill(Infinity);
  for (let i = 0; i < timesMs.length; i++) {
    const exact = (timesMs[i]! - startMs) / SLOT_MS;
    const slot = Math.round(exact);
    if (slot < 0 || slot >= slots || Number.isNaN(values[i]!)) continue;
    const d = Math.abs(exact - slot);
    if (d < distance[slot]!) {
      distance[slot] = d;
      out[slot] = values[i]!;
    }
  }
  return out;
}

/** Adds amounts (U, g) into the slot whose 5 minutes hold each event. */
function eventSlots(timesMs: number[], amounts: number[], startMs: number, slots: number): Float64Array {
  const out = new Float64Array(slots);
  timesMs.forEach((t, i) => {
    const slot = Math.floor((t - startMs) / SLOT_MS);
    if (slot >= 0 && slot < slots) out[slot]! += amounts[i]!;
  });
  return out;
}

const CEILING: Record<GlucoseUnit, number> = { 'mg/dL': 400, 'mmol/L': 22.2 };

export function realGridSeries(person: RealPerson): GridSeries {
  const first = person.timesMs[0]!;
  const last = person.timesMs[person.timesMs.length - 1]!;
  // Slot 0 at the midnight of the first day, so slots keep the time of day.
  const startMs = Math.floor(first / 86_400_000) * 86_400_000;
  const slots = Math.floor((last - startMs) / SLOT_MS) + 1;
  const glucose = toSlots(person.timesMs, person.glucose, startMs, slots);
  const flags = toSlots(person.timesMs, Float64Array.from(person.flags), startMs, slots);
  const commonMgdl = toSlots(person.timesMs, person.glucoseMgdl, startMs, slots).map((v) => (Number.isNaN(v) ? v : onCommonGrid(v)));
  const atCeiling = Uint8Array.from(glucose, (v, i) => (flags[i] === ReadingFlag.High || v >= CEILING[person.unit] ? 1 : 0));
  const reason = person.interpolated
    ? 'glucose interpolated by the set’s authors'
    : person.intervalMinutes > DYNAMICS_MAX_INTERVAL_MINUTES
      ? `sensor every ${Math.round(person.intervalMinutes)} min`
      : undefined;
  const series: GridSeries = {
    side: 'real',
    source: person.format,
    personId: person.personId,
    therapy: person.therapy,
    ageGroup: person.ageGroup,
    startMs,
    unit: person.unit,
    glucose,
    commonMgdl,
    atCeiling,
    intervalMinutes: person.intervalMinutes,
    dynamics: reason === undefined,
    dynamicsExcludedBecause: reason,
  };
  if (person.heartRateBpm) series.heartRateBpm = toSlots(person.heartRateBpm.timesMs, person.heartRateBpm.values, startMs, slots);
  if (person.steps) {
    // Each epoch's steps spread evenly over its slots, as steps per minute.
    const perMinute = new Float64Array(slots).fill(Number.NaN);
    const { timesMs, values, epochMinutes } = person.steps;
    for (let i = 0; i < timesMs.length; i++) {
      const from = Math.round((timesMs[i]! - startMs) / SLOT_MS);
      const count = Math.max(1, Math.round(epochMinutes / SLOT_MINUTES));
      for (let s = from; s < from + count; s++) if (s >= 0 && s < slots) perMinute[s] = values[i]! / epochMinutes;
    }
    series.stepsPerMinute = perMinute;
  }
  if (person.bolusUnits) series.bolusUnits = eventSlots(person.bolusUnits.timesMs, person.bolusUnits.amounts, startMs, slots);
  if (person.carbsGrams) series.carbsGrams = eventSlots(person.carbsGrams.timesMs, person.carbsGrams.amounts, startMs, slots);
  if (person.basal) series.basalUnits = basalPerSlot(person.basal, startMs, slots);
  // Insulin and carbs on board where the set logs insulin (boluses and basal) and meals.
  if (series.bolusUnits && series.basalUnits && series.carbsGrams && person.basal) {
    const longActing = person.basal.kind === 'doseUnits' && person.format === 't1d-uom';
    const basalOnBoard = onBoard(
      series.basalUnits,
      longActing ? longInsulinRemaining : (m) => rapidInsulinRemaining(m),
      longActing ? 1440 : 300,
    );
    const bolusOnBoard = onBoard(series.bolusUnits, (m) => rapidInsulinRemaining(m), 300);
    series.iobUnits = basalOnBoard.map((units, i) => units + bolusOnBoard[i]!);
    series.cobGrams = onBoard(series.carbsGrams, carbsRemaining, 300);
  }
  return series;
}

/** Basal insulin delivered in each slot, U: a rate integrated until the next change (at most a day), or doses where injected. */
function basalPerSlot(basal: NonNullable<RealPerson['basal']>, startMs: number, slots: number): Float64Array {
  if (basal.kind === 'doseUnits') return eventSlots(basal.events.timesMs, basal.events.amounts, startMs, slots);
  const out = new Float64Array(slots);
  const { timesMs, rates } = basal;
  for (let i = 0; i < timesMs.length; i++) {
    const from = Math.max(0, Math.floor((timesMs[i]! - startMs) / SLOT_MS));
    const until = Math.min(slots, i + 1 < timesMs.length ? Math.floor((timesMs[i + 1]! - startMs) / SLOT_MS) : from + SLOTS_PER_DAY);
    for (let s = from; s < Math.min(until, from + SLOTS_PER_DAY); s++) out[s]! += (rates[i]! * SLOT_MINUTES) / 60;
  }
  return out;
}

/**
 * Minute-by-minute glucose for the project's own episode rules (dataset/cgmMetrics.ts): each
 * reading held for its sensor's interval (a 15-minute sensor's reading stands for 15 minutes).
 */
export function heldMinutes(slotsMgdl: Float64Array, intervalMinutes: number): Float64Array {
  const holdSlots = Math.max(1, Math.round(intervalMinutes / SLOT_MINUTES));
  const minutes = new Float64Array(slotsMgdl.length * SLOT_MINUTES).fill(Number.NaN);
  let held = Number.NaN,
    age = holdSlots;
  for (let slot = 0; slot < slotsMgdl.length; slot++) {
    const value = slotsMgdl[slot]!;
    if (!Number.isNaN(value)) {
      held = value;
      age = 0;
    }
    if (age < holdSlots) minutes.fill(held, slot * SLOT_MINUTES, (slot + 1) * SLOT_MINUTES);
    age++;
  }
  return minutes;
}
