// Forecasting columns (SCHEMA.md "Forecasting columns"): CGM glucose h minutes ahead, and whether a
// sustained low or high begins or continues within the next h minutes.

/**
 * A CGM-detected episode lasts at least 15 consecutive minutes beyond the threshold: the level-1
 * hypoglycaemia event (< 70 mg/dL) and the level-2 hyperglycaemia event (> 250 mg/dL) of the
 * international consensus on CGM metrics (Battelino et al. 2023, Lancet Diabetes Endocrinol
 * 11:42–57; Danne et al. 2017, Diabetes Care 40:1631–40).
 */
export const SUSTAINED_EPISODE_MINUTES = 15;
export const HYPO_EPISODE_BELOW_MGDL = 70;
export const HYPER_EPISODE_ABOVE_MGDL = 250;

export const horizonTargetColumn = (h: number) => `target_glucose_mgdl_${h}min`;
export const hypoWithinColumn = (h: number) => `label_hypoglycemia_within_${h}min`;
export const hyperWithinColumn = (h: number) => `label_hyperglycemia_within_${h}min`;

/** Target columns (ascending h), in schema order. */
export function horizonTargetColumns(horizons: readonly number[]): string[] {
  return horizons.map(horizonTargetColumn);
}

/** Early-warning label columns: per ascending h the hypo label, then the hyper label. */
export function horizonLabelColumns(horizons: readonly number[]): string[] {
  return horizons.flatMap((h) => [hypoWithinColumn(h), hyperWithinColumn(h)]);
}

/**
 * Minutes simulated past the visible series: the furthest horizon, plus enough for an episode
 * that starts at that horizon's last minute to prove itself sustained (so every label is exact).
 */
export function forecastTailMinutes(horizons: readonly number[]): number {
  return horizons.length === 0 ? 0 : Math.max(...horizons) + SUSTAINED_EPISODE_MINUTES - 1;
}

/**
 * Marks (1) every minute that belongs to a run of at least `minRunMinutes` readings for which
 * `beyond(value)` holds. Minutes without a reading (NaN) neither count toward the run nor end it
 * (a run resumes after a gap if the next reading is still beyond); gap minutes inside a run are
 * marked, those at its edges are not. A run cut by the end of the series counts by the readings it has.
 */
export function sustainedEpisodeMask(
  series: Float64Array,
  beyond: (value: number) => boolean,
  minRunMinutes = SUSTAINED_EPISODE_MINUTES,
): Uint8Array {
  const mask = new Uint8Array(series.length);
  let runStart = -1,
    lastInside = -1,
    readings = 0;
  for (let m = 0; m <= series.length; m++) {
    const value = m < series.length ? series[m]! : 0;
    if (m < series.length && Number.isNaN(value)) continue;
    if (m < series.length && beyond(value)) {
      if (runStart < 0) runStart = m;
      lastInside = m;
      readings++;
      continue;
    }
    if (runStart >= 0 && readings >= minRunMinutes) mask.fill(1, runStart, lastInside + 1);
    runStart = -1;
    readings = 0;
  }
  return mask;
}

/**
 * For windows ending at t0 = firstEnd … firstEnd + rows − 1: 1 if any minute in (t0, t0 + h]
 * is marked. One prefix sum, so O(minutes) per horizon; `mask` must reach t0 + h.
 */
export function withinHorizonLabels(mask: Uint8Array, firstEnd: number, rows: number, horizonMinutes: number): Int32Array {
  const lastNeeded = firstEnd + rows - 1 + horizonMinutes;
  if (rows > 0 && lastNeeded >= mask.length)
    throw new RangeError(`horizon ${horizonMinutes} min needs ${lastNeeded + 1} minutes, series has ${mask.length}`);
  // marked[m] = marked minutes in [0, m).
  const marked = new Int32Array(mask.length + 1);
  for (let m = 0; m < mask.length; m++) marked[m + 1] = marked[m]! + mask[m]!;
  const labels = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const t0 = firstEnd + row;
    labels[row] = marked[t0 + horizonMinutes + 1]! - marked[t0 + 1]! > 0 ? 1 : 0;
  }
  return labels;
}

export interface HorizonColumns {
  targets: Float64Array[];
  labels: Int32Array[];
}

/**
 * Forecast targets and early-warning labels for one patient's windows, from the CGM series that
 * runs `forecastTailMinutes(horizons)` past the visible minutes.
 */
export function horizonColumns(glucoseMgdl: Float64Array, firstEnd: number, rows: number, horizons: readonly number[]): HorizonColumns {
  const targets = horizons.map((h) => {
    if (rows > 0 && firstEnd + rows - 1 + h >= glucoseMgdl.length)
      throw new RangeError(`horizon ${h} min reaches past the simulated series`);
    return glucoseMgdl.slice(firstEnd + h, firstEnd + h + rows);
  });
  if (horizons.length === 0) return { targets, labels: [] };
  const lows = sustainedEpisodeMask(glucoseMgdl, (g) => g < HYPO_EPISODE_BELOW_MGDL);
  const highs = sustainedEpisodeMask(glucoseMgdl, (g) => g > HYPER_EPISODE_ABOVE_MGDL);
  const labels = horizons.flatMap((h) => [withinHorizonLabels(lows, firstEnd, rows, h), withinHorizonLabels(highs, firstEnd, rows, h)]);
  return { targets, labels };
}
