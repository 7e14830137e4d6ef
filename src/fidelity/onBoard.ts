// Insulin and carbohydrate on board for real records, from their logged events, so a forecaster
// given glucose + insulin + carbs sees on real people what the generated dataset's
// insulin_on_board and carbs_in_stomach columns give it. Approximations, named as such: the
// generated columns come from the body model itself.
import { SLOT_MINUTES } from './grid.ts';

/**
 * Rapid-acting insulin still to act, as a share of a dose `minutes` after it: OpenAPS oref0's
 * exponential activity curve (lib/iob/calculate.js), duration of action 5 h, peak 75 min.
 */
export function rapidInsulinRemaining(minutes: number, durationMin = 300, peakMin = 75): number {
  if (minutes <= 0) return 1;
  if (minutes >= durationMin) return 0;
  const tau = (peakMin * (1 - peakMin / durationMin)) / (1 - (2 * peakMin) / durationMin);
  const a = (2 * tau) / durationMin;
  const s = 1 / (1 - a + (1 + a) * Math.exp(-durationMin / tau));
  return 1 - s * (1 - a) * ((minutes ** 2 / (tau * durationMin * (1 - a)) - minutes / tau - 1) * Math.exp(-minutes / tau) + 1);
}

/** Long-acting insulin (a pen's daily basal dose) absorbed evenly over 24 h. */
export function longInsulinRemaining(minutes: number): number {
  return Math.min(1, Math.max(0, 1 - minutes / 1440));
}

/**
 * Carbohydrate still in the gut `minutes` after a meal: emptied exponentially with a 45-minute
 * time constant (the order of the UVA/Padova meal model's gastric emptying rates, Dalla Man et al. 2006).
 */
export function carbsRemaining(minutes: number): number {
  return minutes < 0 ? 1 : Math.exp(-minutes / 45);
}

/** Per slot, what is left of amounts delivered in earlier slots, by a remaining-share curve (over `horizonMin`). */
export function onBoard(deliveredPerSlot: Float64Array, remaining: (minutes: number) => number, horizonMin: number): Float64Array {
  const kernel = Array.from({ length: Math.ceil(horizonMin / SLOT_MINUTES) + 1 }, (_, k) => remaining(k * SLOT_MINUTES));
  const out = new Float64Array(deliveredPerSlot.length);
  for (let slot = 0; slot < deliveredPerSlot.length; slot++) {
    const amount = deliveredPerSlot[slot]!;
    if (!(amount > 0)) continue;
    for (let k = 0; k < kernel.length && slot + k < out.length; k++) out[slot + k]! += amount * kernel[k]!;
  }
  return out;
}
