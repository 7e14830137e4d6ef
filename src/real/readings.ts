// The faults every set has some of, handled once: unreadable timestamps, values no sensor reports,
// unsorted rows, duplicated timestamps (kept once; a conflicting duplicate, such as the hour an
// autumn clock change repeats, keeps its first reading), and two sensors' streams interleaved in
// one file (the days they overlap are left out).
import { MGDL_PER_MMOL, ReadingFlag, type GlucoseUnit } from './types.ts';

export interface RawReading {
  timeMs: number;
  value: number;
  flag: number;
}

/** No CGM reports below 20 or above 600 mg/dL: anything outside is a fault of the file (T1D-UOM 2307 holds 0.1 mmol/L). */
const POSSIBLE_MGDL: [number, number] = [20, 600];
/**
 * A change over 54 mg/dL (3 mmol/L) between readings at most 10 minutes apart is faster than
 * glucose moves (rates beyond 4 mg/dL/min are rare: Dunn et al. 2004); a day with 10 or more of
 * them holds two sensors' streams (T1D-UOM 2304, 8 Oct–5 Nov 2023: 10,435 such jumps).
 */
const IMPOSSIBLE_JUMP_MGDL = 54;
const JUMP_WINDOW_MS = 10 * 60_000;
const INTERLEAVED_DAY_JUMPS = 10;
const DAY_MS = 86_400_000;
const SHIFTED_COPY_MS = 2 * 60_000;
const SLOWER_CADENCE_MS = 3 * 60_000;

export interface CleanReadings {
  timesMs: Float64Array;
  glucose: Float64Array;
  glucoseMgdl: Float64Array;
  flags: Uint8Array;
  intervalMinutes: number;
}

export const toMgdl = (value: number, unit: GlucoseUnit) => (unit === 'mmol/L' ? value * MGDL_PER_MMOL : value);

/** Cleans one person's readings; `notes` receives one line per kind of fault met. */
export function cleanReadings(raw: RawReading[], unit: GlucoseUnit, notes: string[]): CleanReadings {
  const unreadable = raw.filter((r) => Number.isNaN(r.timeMs) || Number.isNaN(r.value)).length;
  if (unreadable) notes.push(`${unreadable} rows with an unreadable timestamp or value left out`);
  let readings = raw.filter((r) => !Number.isNaN(r.timeMs) && !Number.isNaN(r.value));
  const possible = readings.filter((r) => {
    const mgdl = toMgdl(r.value, unit);
    return r.flag !== ReadingFlag.Value || (mgdl >= POSSIBLE_MGDL[0] && mgdl <= POSSIBLE_MGDL[1]);
  });
  if (possible.length < readings.length)
    notes.push(`${readings.length - possible.length} readings outside ${POSSIBLE_MGDL[0]}–${POSSIBLE_MGDL[1]} mg/dL left out`);
  readings = possible.map((r, i) => ({ ...r, order: i })).sort((a, b) => a.timeMs - b.timeMs || a.order - b.order);

  let exact = 0,
    conflicting = 0;
  const unique: RawReading[] = [];
  for (const reading of readings) {
    const last = unique[unique.length - 1];
    if (last && last.timeMs === reading.timeMs) {
      if (last.value === reading.value && last.flag === reading.flag) exact++;
      else conflicting++;
      continue;
    }
    unique.push(reading);
  }
  // The same reading exported again with a clock a minute off (T1D-UOM 2301 from 24 Dec 2023): a
  // pair of equal values under 2 minutes apart inside an otherwise slower cadence. A sensor that
  // reads every minute has its next reading a minute later, so its equal neighbours stay.
  let shifted = 0;
  for (let i = unique.length - 2; i >= 0; i--) {
    const a = unique[i]!,
      b = unique[i + 1]!,
      after = unique[i + 2];
    if (
      b.timeMs - a.timeMs < SHIFTED_COPY_MS &&
      a.value === b.value &&
      a.flag === b.flag &&
      (!after || after.timeMs - b.timeMs >= SLOWER_CADENCE_MS)
    ) {
      unique.splice(i + 1, 1);
      shifted++;
    }
  }
  if (exact) notes.push(`${exact} duplicated readings kept once`);
  if (shifted) notes.push(`${shifted} readings repeated under 2 minutes later (a second export with a shifted clock) kept once`);
  if (conflicting)
    notes.push(`${conflicting} timestamps with two different readings (e.g. a clock change's repeated hour): the first kept`);

  // Interleaved streams: count impossible jumps per calendar day, leave those days out.
  const jumpsPerDay = new Map<number, number>();
  for (let i = 1; i < unique.length; i++) {
    const a = unique[i - 1]!,
      b = unique[i]!;
    if (b.timeMs - a.timeMs > JUMP_WINDOW_MS || a.flag !== ReadingFlag.Value || b.flag !== ReadingFlag.Value) continue;
    if (Math.abs(toMgdl(b.value, unit) - toMgdl(a.value, unit)) > IMPOSSIBLE_JUMP_MGDL) {
      const day = Math.floor(b.timeMs / DAY_MS);
      jumpsPerDay.set(day, (jumpsPerDay.get(day) ?? 0) + 1);
    }
  }
  const interleavedDays = [...jumpsPerDay].filter(([, jumps]) => jumps >= INTERLEAVED_DAY_JUMPS).map(([day]) => day);
  let kept = unique;
  if (interleavedDays.length) {
    const days = new Set(interleavedDays);
    kept = unique.filter((r) => !days.has(Math.floor(r.timeMs / DAY_MS)));
    const jumps = interleavedDays.reduce((sum, day) => sum + jumpsPerDay.get(day)!, 0);
    const first = new Date(Math.min(...interleavedDays) * DAY_MS).toISOString().slice(0, 10);
    const last = new Date(Math.max(...interleavedDays) * DAY_MS).toISOString().slice(0, 10);
    notes.push(
      `${interleavedDays.length} days between ${first} and ${last} left out: two glucose streams interleaved ` +
        `(${jumps} jumps over ${IMPOSSIBLE_JUMP_MGDL} mg/dL within 10 min)`,
    );
  }

  const timesMs = Float64Array.from(kept, (r) => r.timeMs);
  const glucose = Float64Array.from(kept, (r) => r.value);
  return {
    timesMs,
    glucose,
    glucoseMgdl: Float64Array.from(kept, (r) => toMgdl(r.value, unit)),
    flags: Uint8Array.from(kept, (r) => r.flag),
    intervalMinutes: medianIntervalMinutes(timesMs),
  };
}

/** The median gap between consecutive readings, minutes (a sensor's interval; gaps barely move it). */
export function medianIntervalMinutes(timesMs: Float64Array): number {
  if (timesMs.length < 2) return Number.NaN;
  const gaps = new Float64Array(timesMs.length - 1);
  for (let i = 1; i < timesMs.length; i++) gaps[i - 1] = (timesMs[i]! - timesMs[i - 1]!) / 60_000;
  gaps.sort();
  return gaps[Math.floor(gaps.length / 2)]!;
}

/** Heart rate of 0 (or below) is a watch not worn: no sample. */
export const wornHeartRate = (bpm: Float64Array): Float64Array => bpm.map((value) => (value > 0 ? value : Number.NaN));

/** Minimum share of a day's expected readings (1440 / interval) for the day to count. */
export const DAY_COVERAGE = 0.7;

/** Whether a person has at least one calendar day with readings at ≥ 70 % of what their sensor's interval gives. */
export function hasCoveredDay(timesMs: Float64Array, intervalMinutes: number): boolean {
  if (!(intervalMinutes > 0)) return false;
  const expected = 1440 / Math.max(1, intervalMinutes);
  const perDay = new Map<number, number>();
  for (const t of timesMs) {
    const day = Math.floor(t / DAY_MS);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  for (const count of perDay.values()) if (count >= DAY_COVERAGE * expected) return true;
  return false;
}
