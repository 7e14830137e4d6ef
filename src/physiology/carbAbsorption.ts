/**
 * How fast a meal's carbohydrate reaches the blood, relative to the mixed meal the UVA/Padova gut
 * parameters were fitted to (Dalla Man et al. 2006, IEEE Trans Biomed Eng 53:2472–2478). Foods
 * differ: glycaemic indices of everyday foods span about 20 to over 100 (Atkinson, Foster-Powell &
 * Brand-Miller 2008, Diabetes Care 31:2281–2283). The rate multiplies gastric emptying (kmax, kmin)
 * and intestinal absorption (kabs) together, so the same grams appear earlier and in a sharper peak.
 *
 * Each meal draws a log-normal multiplier around the mixed meal; snacks and hypo treatments (juice,
 * glucose tablets, sweets) are faster, as their glycaemic index is (glucose: 100 by definition).
 * The spread is our calibration: the widest that keeps every realism band (a faster median or a
 * wider spread raised the 5-minute change towards T1D-UOM's, but pushed the 99.9th percentile of
 * the CGM's rate of change and adults' time below 70 on a closed loop out of their bands,
 * docs/FIDELITY.md).
 */

export interface AbsorptionSpread {
  median: number;
  logSd: number;
}

/** Main meals: mixed, from slow (pasta, legumes) to fast (white bread, rice, potatoes). */
export const MEAL_ABSORPTION: AbsorptionSpread = { median: 1, logSd: 0.3 };
/** Snacks: fruit, biscuits, sweets, sweetened drinks. */
export const SNACK_ABSORPTION: AbsorptionSpread = { median: 1.6, logSd: 0.3 };
/** Hypo treatment: glucose tablets or juice. */
export const HYPO_TREATMENT_ABSORPTION = 2;
/** Limits of a draw: no food empties the stomach 4× slower or 5× faster than the reference meal. */
const MIN_ABSORPTION = 0.25;
const MAX_ABSORPTION = 5;

/** The multiplier for a standard-normal draw `z`. */
export function absorptionRate(spread: AbsorptionSpread, z: number): number {
  return Math.min(MAX_ABSORPTION, Math.max(MIN_ABSORPTION, spread.median * Math.exp(spread.logSd * z)));
}
