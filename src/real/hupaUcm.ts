// HUPA-UCM (Hidalgo et al., Data in Brief 55:110559, 2024; CC BY 4.0), its "Preprocessed" files:
// one `;`-separated file per person on a 5-minute grid. Glucose in mg/dL, interpolated by the
// authors from the Libre's 15 minutes (so not for short-term dynamics), Fitbit heart rate and
// steps, basal in U per 5 minutes (a pen user's daily long-acting dose spread evenly), boluses in
// U, carbs in 10 g servings for most people and in grams for some. No therapy column; all adults.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { numberOf, readCsv } from './csvFiles.ts';
import { cleanReadings, wornHeartRate } from './readings.ts';
import { parseIso } from './timestamps.ts';
import { RealDataError, ReadingFlag, type RealEvents, type RealPerson, type RealSet, type RealTherapy } from './types.ts';

const FILE = /^(HUPA\d+)P?\.csv$/;
/** A serving is 10 g of carbohydrate (the set's description). */
const GRAMS_PER_SERVING = 10;
/** No meal is logged as more than 20 servings (200 g); a larger number is grams. */
const MAX_SERVINGS = 20;
const DAY_MS = 86_400_000;

/** Decides the carbs' unit from the person's own values: servings, grams, or unknown (every meal logged as the same number). */
export function carbUnit(loggedAmounts: number[]): 'servings' | 'grams' | 'none' | 'unknown' {
  const meals = loggedAmounts.filter((amount) => amount > 0);
  if (meals.length === 0) return 'none';
  if (new Set(meals).size === 1) return 'unknown';
  return Math.max(...meals) > MAX_SERVINGS ? 'grams' : 'servings';
}

/**
 * Pens or pump from the basal column: a pen user's dose is spread evenly (one or two values a
 * day, the second where the dose changed), a pump's rate changes through the day.
 */
export function basalTherapy(timesMs: Float64Array, unitsPer5Min: Float64Array): RealTherapy {
  if (unitsPer5Min.every((u) => !(u > 0))) return 'unknown';
  const valuesPerDay = new Map<number, Set<number>>();
  timesMs.forEach((t, i) => {
    const day = Math.floor(t / DAY_MS);
    if (!valuesPerDay.has(day)) valuesPerDay.set(day, new Set());
    valuesPerDay.get(day)!.add(unitsPer5Min[i]!);
  });
  const counts = [...valuesPerDay.values()].map((s) => s.size).sort((a, b) => a - b);
  return counts[Math.floor(counts.length / 2)]! <= 2 ? 'mdi' : 'pump';
}

function readPerson(path: string, id: string, root: string): RealPerson {
  const notes: string[] = ['glucose interpolated by the set’s authors (15 → 5 min): excluded from dynamics'];
  const records = readCsv(path, ';').records;
  const timesMs = records.map((r) => parseIso(r.time ?? ''));
  const clean = cleanReadings(
    records.map((r, i) => ({ timeMs: timesMs[i]!, value: numberOf(r.glucose), flag: ReadingFlag.Value })),
    'mg/dL',
    notes,
  );
  const rows = records.map((r, i) => ({ r, t: timesMs[i]! })).filter(({ t }) => !Number.isNaN(t));
  const column = (name: string) => Float64Array.from(rows, ({ r }) => numberOf(r[name]));
  const rowTimes = Float64Array.from(rows, ({ t }) => t);
  const eventsOf = (values: Float64Array, scale: number): RealEvents => {
    const out: RealEvents = { timesMs: [], amounts: [] };
    values.forEach((v, i) => {
      if (v > 0) {
        out.timesMs.push(rowTimes[i]!);
        out.amounts.push(v * scale);
      }
    });
    return out;
  };

  const person: RealPerson = {
    format: 'hupa-ucm',
    path: root,
    personId: id,
    ...clean,
    unit: 'mg/dL',
    interpolated: true,
    therapy: 'unknown',
    ageGroup: 'adult',
    notes,
    bolusUnits: eventsOf(column('bolus_volume_delivered'), 1),
    heartRateBpm: { timesMs: rowTimes, values: wornHeartRate(column('heart_rate')) },
    steps: { timesMs: rowTimes, values: column('steps'), epochMinutes: 5 },
  };
  const basal = column('basal_rate');
  person.therapy = basalTherapy(rowTimes, basal);
  if (person.therapy === 'unknown') notes.push('basal 0 throughout: therapy unknown');
  else {
    const changes = { timesMs: [] as number[], rates: [] as number[] };
    basal.forEach((units, i) => {
      const rate = (Number.isNaN(units) ? 0 : units) * 12;
      if (changes.rates.length === 0 || changes.rates[changes.rates.length - 1] !== rate) {
        changes.timesMs.push(rowTimes[i]!);
        changes.rates.push(rate);
      }
    });
    person.basal = { kind: 'rateUnitsPerHour', ...changes };
  }
  const carbs = column('carb_input');
  const unit = carbUnit([...carbs]);
  if (unit === 'servings') person.carbsGrams = eventsOf(carbs, GRAMS_PER_SERVING);
  else if (unit === 'grams') person.carbsGrams = eventsOf(carbs, 1);
  notes.push(
    unit === 'none'
      ? 'no carbs logged'
      : unit === 'unknown'
        ? 'carbs logged as the same number for every meal: unit unknown, carbs left out'
        : `carbs logged in ${unit}`,
  );
  return person;
}

export function readHupaUcm(path: string): RealSet {
  const root = existsSync(join(path, 'Preprocessed')) ? join(path, 'Preprocessed') : path;
  const files = existsSync(root) ? readdirSync(root).filter((name) => FILE.test(name)) : [];
  if (files.length === 0)
    throw new RealDataError(
      `invalid --real hupa-ucm=${path}: no HUPA####P.csv files; expected HUPA-UCM's Preprocessed folder (or its parent)`,
    );
  const set: RealSet = { format: 'hupa-ucm', path, people: [], leftOut: [] };
  for (const name of files.sort()) {
    const id = FILE.exec(name)![1]!;
    set.people.push(readPerson(join(root, name), id, path));
  }
  return set;
}
