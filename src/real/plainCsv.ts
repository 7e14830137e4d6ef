// The plain layout users bring (the Glucose-ML harmonised files are one example): a folder of one
// CSV per person (the file name is the person), or one CSV with a person column. A timestamp
// column, a glucose column in mg/dL or mmol/L (told by its name, or by --units), and optionally
// heart rate, steps, carbs (g), bolus and basal (U) columns. `Low` and `High` readings, duplicated
// timestamps and unsorted rows are handled. A CSV in the folder with a person column and an age
// column but no glucose (a metadata file) gives the people's ages.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ageGroupOf } from './ageGroups.ts';
import { numberOf, readCsv, type CsvRecord } from './csvFiles.ts';
import { cleanReadings, wornHeartRate } from './readings.ts';
import { parseTimestamp } from './timestamps.ts';
import { RealDataError, ReadingFlag, type GlucoseUnit, type RealEvents, type RealPerson, type RealSet } from './types.ts';

const TIME_NAMES = ['timestamp', 'time', 'datetime', 'date_time', 'ts', 'bg_ts', 'date', 'device_timestamp'];
const PERSON_NAMES = ['person_id', 'patient_id', 'subject_id', 'person', 'patient', 'subject', 'id'];
/** What a Dexcom export writes outside its range, and the value it stands for. */
const FLOOR: Record<GlucoseUnit, number> = { 'mg/dL': 40, 'mmol/L': 2.2 };
const CEILING: Record<GlucoseUnit, number> = { 'mg/dL': 400, 'mmol/L': 22.2 };

const lower = (name: string) => name.toLowerCase();
const find = (header: string[], test: (name: string) => boolean) => header.find((name) => test(lower(name)));

export interface CsvColumns {
  time: string;
  glucose: string;
  unit: GlucoseUnit;
  person?: string;
  heartRate?: string;
  steps?: string;
  carbs?: string;
  bolus?: string;
  basal?: string;
}

/** The glucose column's unit from its name, or undefined if the name does not say. */
export function unitFromName(name: string): GlucoseUnit | undefined {
  const n = lower(name).replace(/[^a-z]/g, '');
  if (n.includes('mmol')) return 'mmol/L';
  if (n.includes('mgdl')) return 'mg/dL';
  return undefined;
}

/** Finds the columns; throws RealDataError naming what is missing. */
export function csvColumns(header: string[], file: string, units?: GlucoseUnit): CsvColumns {
  const time = find(header, (n) => TIME_NAMES.includes(n)) ?? find(header, (n) => n.includes('timestamp') || n.includes('time'));
  const glucose =
    find(header, (n) => n.includes('glucose') || n === 'bg' || n === 'sgv' || n === 'cgm') ?? find(header, (n) => n === 'value');
  if (!time)
    throw new RealDataError(
      `invalid --real csv=${file}: no timestamp column (one of ${TIME_NAMES.join(', ')}); columns: ${header.join(', ')}`,
    );
  if (!glucose)
    throw new RealDataError(
      `invalid --real csv=${file}: no glucose column (a name containing "glucose", or bg, sgv, cgm, value); columns: ${header.join(', ')}`,
    );
  const unit = units ?? unitFromName(glucose);
  if (!unit)
    throw new RealDataError(
      `invalid --real csv=${file}: the unit of column "${glucose}" is not in its name; pass --units mg/dL or --units mmol/L`,
    );
  return {
    time,
    glucose,
    unit,
    person: find(header, (n) => PERSON_NAMES.includes(n)),
    heartRate: find(header, (n) => n.startsWith('heart_rate') || n === 'hr' || n === 'heartrate'),
    steps: find(header, (n) => n.startsWith('steps') || n === 'step_count'),
    carbs: find(header, (n) => n.startsWith('carb')),
    bolus: find(header, (n) => n.startsWith('bolus')),
    basal: find(header, (n) => n.startsWith('basal')),
  };
}

function personFromRecords(records: CsvRecord[], columns: CsvColumns, personId: string, path: string): RealPerson {
  const notes: string[] = [];
  const { unit } = columns;
  let lows = 0,
    highs = 0;
  const raw = records.map((r) => {
    const text = (r[columns.glucose] ?? '').trim();
    const timeMs = parseTimestamp(r[columns.time] ?? '');
    if (/^low$/i.test(text)) {
      lows++;
      return { timeMs, value: FLOOR[unit], flag: ReadingFlag.Low };
    }
    if (/^high$/i.test(text)) {
      highs++;
      return { timeMs, value: CEILING[unit], flag: ReadingFlag.High };
    }
    return { timeMs, value: text === '' ? Number.NaN : Number(text), flag: ReadingFlag.Value };
  });
  // Rows of other streams (insulin, meals) without a glucose value are not readings.
  const readings = raw.filter((r) => !(Number.isNaN(r.value) && r.flag === ReadingFlag.Value && !Number.isNaN(r.timeMs)));
  if (lows || highs) notes.push(`${lows} "Low" and ${highs} "High" readings kept at the device's floor and ceiling`);
  const clean = cleanReadings(readings, unit, notes);
  const person: RealPerson = {
    format: 'csv',
    path,
    personId,
    ...clean,
    unit,
    interpolated: false,
    therapy: 'unknown',
    ageGroup: 'unknown',
    notes,
  };
  const times = records.map((r) => parseTimestamp(r[columns.time] ?? ''));
  const eventsOf = (column: string | undefined): RealEvents | undefined => {
    if (!column) return undefined;
    const out: RealEvents = { timesMs: [], amounts: [] };
    records.forEach((r, i) => {
      const amount = numberOf(r[column]);
      if (amount > 0 && !Number.isNaN(times[i]!)) {
        out.timesMs.push(times[i]!);
        out.amounts.push(amount);
      }
    });
    return out;
  };
  const signalOf = (column: string | undefined) => {
    if (!column) return undefined;
    const rows = records.map((r, i) => ({ t: times[i]!, v: numberOf(r[column]) })).filter((s) => !Number.isNaN(s.t) && !Number.isNaN(s.v));
    rows.sort((a, b) => a.t - b.t);
    return { timesMs: Float64Array.from(rows, (s) => s.t), values: Float64Array.from(rows, (s) => s.v) };
  };
  person.bolusUnits = eventsOf(columns.bolus);
  person.carbsGrams = eventsOf(columns.carbs);
  const basal = eventsOf(columns.basal);
  if (basal) person.basal = { kind: 'doseUnits', events: basal };
  const heart = signalOf(columns.heartRate);
  if (heart) person.heartRateBpm = { timesMs: heart.timesMs, values: wornHeartRate(heart.values) };
  const steps = signalOf(columns.steps);
  if (steps) person.steps = { ...steps, epochMinutes: Math.max(1, Math.round(clean.intervalMinutes)) };
  return person;
}

/** Ages from a metadata CSV beside the people's files (a person column and an age column, no glucose). */
function readAges(file: string): Map<string, number> | undefined {
  const { header, records } = readCsv(file);
  const person = find(header, (n) => PERSON_NAMES.includes(n));
  const age = find(header, (n) => n === 'age' || n === 'age_years');
  if (!person || !age || find(header, (n) => n.includes('glucose_value') || n === 'glucose')) return undefined;
  return new Map(records.map((r) => [r[person] ?? '', numberOf(r[age])]));
}

export function readPlainCsv(path: string, units?: GlucoseUnit): RealSet {
  if (!existsSync(path)) throw new RealDataError(`invalid --real csv=${path}: no such file or folder`);
  const set: RealSet = { format: 'csv', path, people: [], leftOut: [] };
  const candidates: RealPerson[] = [];
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((name) => extname(name).toLowerCase() === '.csv')
      .sort();
    let ages = new Map<string, number>();
    let firstError: RealDataError | undefined;
    for (const name of files) {
      const file = join(path, name);
      const metadata = readAges(file);
      if (metadata) {
        ages = metadata;
        continue;
      }
      const { header, records } = readCsv(file);
      let columns: CsvColumns;
      try {
        columns = csvColumns(header, file, units);
      } catch (error) {
        firstError ??= error as RealDataError;
        set.leftOut.push(`${name}: ${(error as Error).message.replace(/^invalid --real csv=\S+: /, '')}`);
        continue;
      }
      candidates.push(...splitByPerson(records, columns, basename(name, extname(name)), path));
    }
    if (candidates.length === 0)
      throw firstError ?? new RealDataError(`invalid --real csv=${path}: no .csv files with a timestamp and a glucose column`);
    for (const person of candidates) {
      const age = ages.get(person.personId);
      if (age !== undefined && !Number.isNaN(age)) person.ageGroup = ageGroupOf(age);
    }
  } else {
    const { header, records } = readCsv(path);
    candidates.push(...splitByPerson(records, csvColumns(header, path, units), basename(path, extname(path)), path));
  }
  set.people.push(...candidates);
  return set;
}

function splitByPerson(records: CsvRecord[], columns: CsvColumns, fileName: string, path: string): RealPerson[] {
  if (!columns.person) return [personFromRecords(records, columns, fileName, path)];
  const byPerson = new Map<string, CsvRecord[]>();
  for (const record of records) {
    const id = record[columns.person] ?? '';
    if (!byPerson.has(id)) byPerson.set(id, []);
    byPerson.get(id)!.push(record);
  }
  return [...byPerson].map(([id, rows]) => personFromRecords(rows, columns, id, path));
}
