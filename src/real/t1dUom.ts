// T1D-UOM (Alsuhaymi et al., Sci Data 12:1379, 2025; CC BY 4.0): a folder per kind of record, a file
// per person. Glucose in mmol/L with day-first timestamps; basal `R` rows a pump's rate in U/h
// (every 5 minutes on a closed loop), `L` rows a long-acting pen dose in U; boluses in U; meals in
// g; Garmin activity in 15-minute epochs; all-day heart rate every 5 minutes in the sleep files,
// 0 when the watch was off. Every participant is an adult.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { numberOf, readCsv } from './csvFiles.ts';
import { cleanReadings, medianIntervalMinutes, wornHeartRate } from './readings.ts';
import { parseDayFirst } from './timestamps.ts';
import { RealDataError, ReadingFlag, type RealPerson, type RealSet } from './types.ts';

const GLUCOSE_DIR = 'Glucose Data';
const GLUCOSE_FILE = /^UoMGlucose(\d+)\.csv$/;

/** A pump's basal rows this close together, on most days, are a closed loop's decisions (T1D-UOM 2301, 2307: every 5 min). */
const LOOP_MEDIAN_ROW_MINUTES = 10;

function events(path: string, timeColumn: string, amountColumn: string): { timesMs: number[]; amounts: number[] } {
  const out = { timesMs: [] as number[], amounts: [] as number[] };
  for (const record of readCsv(path).records) {
    const time = parseDayFirst(record[timeColumn] ?? '');
    const amount = numberOf(record[amountColumn]);
    if (Number.isNaN(time) || Number.isNaN(amount)) continue;
    out.timesMs.push(time);
    out.amounts.push(amount);
  }
  return out;
}

function readPerson(root: string, id: string): RealPerson {
  const notes: string[] = [];
  const glucoseRecords = readCsv(join(root, GLUCOSE_DIR, `UoMGlucose${id}.csv`)).records;
  const clean = cleanReadings(
    glucoseRecords.map((r) => ({ timeMs: parseDayFirst(r.bg_ts ?? ''), value: numberOf(r.value), flag: ReadingFlag.Value })),
    'mmol/L',
    notes,
  );
  const person: RealPerson = {
    format: 't1d-uom',
    path: root,
    personId: id,
    ...clean,
    unit: 'mmol/L',
    interpolated: false,
    therapy: 'unknown',
    ageGroup: 'adult',
    notes,
  };

  const basalPath = join(root, 'Insulin Data', 'Basal Data', `UoMBasal${id}.csv`);
  if (existsSync(basalPath)) {
    const rows = readCsv(basalPath).records.map((r) => ({
      timeMs: parseDayFirst(r.basal_ts ?? ''),
      dose: numberOf(r.basal_dose),
      kind: (r.insulin_kind ?? '').trim(),
    }));
    const valid = rows.filter((r) => !Number.isNaN(r.timeMs) && !Number.isNaN(r.dose));
    const rate = valid.filter((r) => r.kind === 'R').sort((a, b) => a.timeMs - b.timeMs);
    const longActing = valid.filter((r) => r.kind === 'L');
    if (rate.length >= longActing.length && rate.length > 0) {
      person.basal = { kind: 'rateUnitsPerHour', timesMs: rate.map((r) => r.timeMs), rates: rate.map((r) => r.dose) };
      const rowMinutes = medianIntervalMinutes(Float64Array.from(rate, (r) => r.timeMs));
      person.therapy = rowMinutes <= LOOP_MEDIAN_ROW_MINUTES ? 'aid' : 'pump';
    } else if (longActing.length > 0) {
      person.basal = { kind: 'doseUnits', events: { timesMs: longActing.map((r) => r.timeMs), amounts: longActing.map((r) => r.dose) } };
      person.therapy = 'mdi';
    }
  } else notes.push('no basal file: therapy unknown');

  const bolusPath = join(root, 'Insulin Data', 'Bolus Data', `UoMBolus${id}.csv`);
  if (existsSync(bolusPath)) person.bolusUnits = events(bolusPath, 'bolus_ts', 'bolus_dose');
  const mealPath = join(root, 'Nutrition Data', `UoMNutrition${id}.csv`);
  if (existsSync(mealPath)) person.carbsGrams = events(mealPath, 'meal_ts', 'carbs_g');

  // Steps from the 15-minute activity epochs (the sleep files' step_count is a running total).
  const activityPath = join(root, 'Activity Data', `UoMActivity${id}.csv`);
  if (existsSync(activityPath)) {
    // An epoch may be split over several rows (one per activity type): their steps add up.
    const perEpoch = new Map<number, number>();
    for (const r of readCsv(activityPath).records) {
      const timeMs = parseDayFirst(r.activity_ts ?? '');
      const steps = numberOf(r.step_count);
      if (!Number.isNaN(timeMs) && !Number.isNaN(steps)) perEpoch.set(timeMs, (perEpoch.get(timeMs) ?? 0) + steps);
    }
    const epochs = [...perEpoch].map(([timeMs, steps]) => ({ timeMs, steps })).sort((a, b) => a.timeMs - b.timeMs);
    person.steps = {
      timesMs: Float64Array.from(epochs, (e) => e.timeMs),
      values: Float64Array.from(epochs, (e) => e.steps),
      epochMinutes: 15,
    };
  }
  const heartPath = join(root, 'Sleep Data', `UoMsleep${id}.csv`);
  if (existsSync(heartPath)) {
    const samples = readCsv(heartPath)
      .records.map((r) => ({ timeMs: parseDayFirst(r.sleep_ts ?? ''), bpm: numberOf(r.heart_rate) }))
      .filter((s) => !Number.isNaN(s.timeMs))
      .sort((a, b) => a.timeMs - b.timeMs);
    // 0 bpm: the watch was not worn.
    person.heartRateBpm = {
      timesMs: Float64Array.from(samples, (s) => s.timeMs),
      values: wornHeartRate(Float64Array.from(samples, (s) => s.bpm)),
    };
  }
  return person;
}

export function readT1dUom(root: string): RealSet {
  const glucoseDir = join(root, GLUCOSE_DIR);
  if (!existsSync(glucoseDir))
    throw new RealDataError(
      `invalid --real t1d-uom=${root}: no "${GLUCOSE_DIR}" folder; expected the T1D-UOM folder (Glucose Data, Insulin Data, …)`,
    );
  const ids = readdirSync(glucoseDir)
    .map((name) => GLUCOSE_FILE.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort();
  const set: RealSet = { format: 't1d-uom', path: root, people: [], leftOut: [] };
  for (const id of ids) {
    set.people.push(readPerson(root, id));
  }
  return set;
}
