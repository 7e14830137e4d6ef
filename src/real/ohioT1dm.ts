// OhioT1DM (Marling & Bunescu 2020; given to those who sign its data-use agreement): one XML file
// per person and period, `<patient id weight insulin_type>` holding a section per stream, each a
// list of `<event …/>`: glucose_level (mg/dL, every 5 min), basal (U/h from ts on), temp_basal
// (U/h from ts_begin to ts_end), bolus (dose in U at ts_begin), meal (carbs g), basis_heart_rate
// and basis_steps (every 5 min). Timestamps are `DD-MM-YYYY HH:MM:SS`. Everyone wore a Medtronic
// pump (no closed loop) and was an adult.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { cleanReadings, wornHeartRate } from './readings.ts';
import { parseDayFirst } from './timestamps.ts';
import { RealDataError, ReadingFlag, type RealEvents, type RealPerson, type RealSet } from './types.ts';

type XmlEvent = Record<string, string>;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'event' });

const eventsIn = (patient: Record<string, unknown>, section: string): XmlEvent[] => {
  const holder = patient[section] as { event?: XmlEvent[] } | string | undefined;
  return typeof holder === 'object' && holder?.event ? holder.event : [];
};

function readFile(file: string, path: string): RealPerson | { error: string } {
  const document = parser.parse(readFileSync(file, 'utf8')) as { patient?: Record<string, unknown> & { id?: string } };
  const patient = document.patient;
  if (!patient) return { error: 'no <patient> element' };
  const glucose = eventsIn(patient, 'glucose_level');
  if (glucose.length === 0) return { error: 'no glucose_level events' };
  const notes: string[] = [];
  const clean = cleanReadings(
    glucose.map((e) => ({ timeMs: parseDayFirst(e.ts ?? ''), value: Number(e.value), flag: ReadingFlag.Value })),
    'mg/dL',
    notes,
  );
  const person: RealPerson = {
    format: 'ohiot1dm',
    path,
    personId: String(patient.id ?? basename(file, extname(file))),
    ...clean,
    unit: 'mg/dL',
    interpolated: false,
    therapy: 'pump',
    ageGroup: 'adult',
    notes,
  };
  // The basal rate in force: scheduled rates, overridden by temporary ones while they last.
  const changes: { t: number; rate: number; temporary: boolean }[] = [];
  for (const e of eventsIn(patient, 'basal')) changes.push({ t: parseDayFirst(e.ts ?? ''), rate: Number(e.value), temporary: false });
  const scheduled = changes.slice().sort((a, b) => a.t - b.t);
  const scheduledAt = (t: number) => {
    let rate = 0;
    for (const c of scheduled) if (c.t <= t) rate = c.rate;
    return rate;
  };
  for (const e of eventsIn(patient, 'temp_basal')) {
    const begin = parseDayFirst(e.ts_begin ?? ''),
      end = parseDayFirst(e.ts_end ?? '');
    changes.push({ t: begin, rate: Number(e.value), temporary: true });
    changes.push({ t: end, rate: scheduledAt(end), temporary: true });
  }
  const basal = changes.filter((c) => !Number.isNaN(c.t) && !Number.isNaN(c.rate)).sort((a, b) => a.t - b.t);
  if (basal.length) person.basal = { kind: 'rateUnitsPerHour', timesMs: basal.map((c) => c.t), rates: basal.map((c) => c.rate) };
  const events = (section: string, time: string, amount: string): RealEvents => {
    const out: RealEvents = { timesMs: [], amounts: [] };
    for (const e of eventsIn(patient, section)) {
      const t = parseDayFirst(e[time] ?? ''),
        a = Number(e[amount]);
      if (!Number.isNaN(t) && a > 0) {
        out.timesMs.push(t);
        out.amounts.push(a);
      }
    }
    return out;
  };
  person.bolusUnits = events('bolus', 'ts_begin', 'dose');
  person.carbsGrams = events('meal', 'ts', 'carbs');
  const signal = (section: string) => {
    const rows = eventsIn(patient, section)
      .map((e) => ({ t: parseDayFirst(e.ts ?? ''), v: Number(e.value) }))
      .filter((s) => !Number.isNaN(s.t) && !Number.isNaN(s.v))
      .sort((a, b) => a.t - b.t);
    return rows.length ? { timesMs: Float64Array.from(rows, (s) => s.t), values: Float64Array.from(rows, (s) => s.v) } : undefined;
  };
  const heart = signal('basis_heart_rate');
  if (heart) person.heartRateBpm = { timesMs: heart.timesMs, values: wornHeartRate(heart.values) };
  const steps = signal('basis_steps');
  if (steps) person.steps = { ...steps, epochMinutes: 5 };
  return person;
}

export function readOhioT1dm(path: string): RealSet {
  if (!existsSync(path)) throw new RealDataError(`invalid --real ohiot1dm=${path}: no such file or folder`);
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => extname(name).toLowerCase() === '.xml')
        .sort()
        .map((name) => join(path, name))
    : [path];
  const set: RealSet = { format: 'ohiot1dm', path, people: [], leftOut: [] };
  // A person's training and testing files are one record.
  const byPerson = new Map<string, RealPerson[]>();
  for (const file of files) {
    const person = readFile(file, path);
    if ('error' in person) set.leftOut.push(`${basename(file)}: ${person.error}`);
    else byPerson.set(person.personId, [...(byPerson.get(person.personId) ?? []), person]);
  }
  if (byPerson.size === 0) throw new RealDataError(`invalid --real ohiot1dm=${path}: no OhioT1DM XML file with glucose_level events`);
  for (const parts of byPerson.values()) set.people.push(parts.length === 1 ? parts[0]! : mergeParts(parts));
  return set;
}

/** One person's files (training and testing periods) as one record. */
function mergeParts(parts: RealPerson[]): RealPerson {
  const notes: string[] = [];
  const readings = parts.flatMap((p) => Array.from(p.timesMs, (t, i) => ({ timeMs: t, value: p.glucose[i]!, flag: p.flags[i]! })));
  const merged = { ...parts[0]!, ...cleanReadings(readings, 'mg/dL', notes), notes: [...parts.flatMap((p) => p.notes), ...notes] };
  const concatEvents = (pick: (p: RealPerson) => RealEvents | undefined): RealEvents => ({
    timesMs: parts.flatMap((p) => pick(p)?.timesMs ?? []),
    amounts: parts.flatMap((p) => pick(p)?.amounts ?? []),
  });
  merged.bolusUnits = concatEvents((p) => p.bolusUnits);
  merged.carbsGrams = concatEvents((p) => p.carbsGrams);
  return merged;
}
