// The real-data readers on committed excerpts of T1D-UOM, HUPA-UCM and PhysioCGM (test/fixtures/real,
// with their licences), on CSVs and an OhioT1DM XML written here, and their refusals.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { carbUnit } from '../../src/real/hupaUcm.ts';
import { parseRealSpec, readRealSet } from '../../src/real/readRealSet.ts';
import { parseDayFirst, parseIso } from '../../src/real/timestamps.ts';
import { MGDL_PER_MMOL, ReadingFlag, RealDataError, type RealPerson } from '../../src/real/types.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/real');
const t1d = readRealSet({ format: 't1d-uom', path: join(FIXTURES, 't1d-uom') });
const hupa = readRealSet({ format: 'hupa-ucm', path: join(FIXTURES, 'hupa-ucm') });
const physio = readRealSet({ format: 'csv', path: join(FIXTURES, 'physiocgm') });
const person = (set: { people: RealPerson[] }, id: string) => set.people.find((p) => p.personId === id)!;
const at = (p: RealPerson, iso: string) => p.glucose[p.timesMs.indexOf(Date.parse(`${iso}Z`))];
const temp = () => mkdtempSync(join(tmpdir(), 'real-'));

describe('timestamps', () => {
  it('reads day-first dates as day first, ISO dates as ISO, naive times as UTC', () => {
    assert.equal(parseDayFirst('01/10/2023 00:04'), Date.UTC(2023, 9, 1, 0, 4));
    assert.equal(parseDayFirst('13/02/2024 23:59'), Date.UTC(2024, 1, 13, 23, 59));
    assert.equal(parseDayFirst('07-12-2021 01:17:30'), Date.UTC(2021, 11, 7, 1, 17, 30));
    assert.ok(Number.isNaN(parseDayFirst('2023-10-01 00:04')));
    assert.equal(parseIso('2022-04-02 00:03:05'), Date.UTC(2022, 3, 2, 0, 3, 5));
    assert.equal(parseIso('2018-06-13T18:40:00'), Date.UTC(2018, 5, 13, 18, 40));
    assert.equal(parseIso('2018-06-13T18:40:00+02:00'), Date.UTC(2018, 5, 13, 16, 40));
  });
});

describe('T1D-UOM', () => {
  it('reads mmol/L with day-first dates and converts to mg/dL', () => {
    const p = person(t1d, '2302');
    assert.equal(p.unit, 'mmol/L');
    assert.equal(at(p, '2023-09-05T00:39:00'), 5.7);
    const i = p.timesMs.indexOf(Date.UTC(2023, 8, 5, 0, 39));
    assert.ok(Math.abs(p.glucoseMgdl[i]! - 5.7 * MGDL_PER_MMOL) < 1e-9);
    assert.equal(p.intervalMinutes, 15);
  });

  it('keeps duplicates once, the first of a clock change’s two readings, and one of a copy a minute off', () => {
    const p = person(t1d, '2301');
    assert.match(p.notes.join('; '), /716 duplicated readings kept once/);
    assert.match(p.notes.join('; '), /28 timestamps with two different readings/);
    assert.match(p.notes.join('; '), /324 readings repeated under 2 minutes later/);
    // 29/10/2023 01:09 is written 4.4 then 6.1 (the hour repeated when the clocks went back): the first stays.
    assert.equal(at(p, '2023-10-29T01:09:00'), 4.4);
    for (let i = 1; i < p.timesMs.length; i++) assert.ok(p.timesMs[i]! > p.timesMs[i - 1]!, 'sorted, unique');
    assert.equal(p.intervalMinutes, 5);
  });

  it('leaves out the days of two interleaved streams, with a note', () => {
    const p = person(t1d, '2304');
    assert.match(p.notes.join('; '), /3 days between 2023-11-03 and 2023-11-05 left out: two glucose streams interleaved/);
    const first = new Date(p.timesMs[0]!).toISOString();
    assert.equal(first.slice(0, 10), '2023-11-06');
  });

  it('drops readings no sensor reports (0.1 mmol/L)', () => {
    const p = person(t1d, '2307');
    assert.match(p.notes.join('; '), /5 readings outside 20–600 mg\/dL left out/);
    assert.ok(Math.min(...p.glucose) >= 1.1);
  });

  it('tells the therapy from the basal file: closed loop, pump, pens, unknown', () => {
    assert.equal(person(t1d, '2301').therapy, 'aid');
    assert.equal(person(t1d, '2307').therapy, 'aid');
    assert.equal(person(t1d, '2304').therapy, 'pump');
    assert.equal(person(t1d, '2302').therapy, 'mdi');
    assert.equal(person(t1d, '2303').therapy, 'unknown');
    assert.match(person(t1d, '2303').notes.join(), /no basal file/);
    assert.ok(t1d.people.every((p) => p.ageGroup === 'adult'));
    const pump = person(t1d, '2301').basal!;
    assert.equal(pump.kind, 'rateUnitsPerHour');
    const pen = person(t1d, '2302').basal!;
    assert.equal(pen.kind, 'doseUnits');
  });

  it('adds up an activity epoch split over rows; heart rate 0 is a watch not worn', () => {
    const p = person(t1d, '2301');
    // 26/12/2023 16:15 has a WALKING row and a SEDENTARY row in the file: their steps add up.
    const epoch = p.steps!.timesMs.indexOf(Date.UTC(2023, 11, 26, 16, 15));
    assert.equal(p.steps!.values[epoch], 86 + 0);
    assert.equal(p.steps!.epochMinutes, 15);
    assert.ok(p.steps!.values.every((v) => v >= 0));
    const heart = p.heartRateBpm!;
    assert.ok(
      heart.values.some((v) => Number.isNaN(v)),
      'some samples have the watch off',
    );
    assert.ok(heart.values.every((v) => Number.isNaN(v) || v > 0));
  });
});

describe('HUPA-UCM', () => {
  it('decides each person’s carb unit from their own values', () => {
    assert.equal(carbUnit([0, 2, 4, 1.5]), 'servings');
    assert.equal(carbUnit([0, 60, 103]), 'grams');
    assert.equal(carbUnit([1, 1, 1]), 'unknown');
    assert.equal(carbUnit([0, 0]), 'none');
    const servings = person(hupa, 'HUPA0001').carbsGrams!.amounts;
    assert.ok(
      servings.every((g) => g % 5 === 0 && g >= 10),
      `servings × 10 g: ${servings}`,
    );
    assert.ok(Math.max(...person(hupa, 'HUPA0002').carbsGrams!.amounts) > 20);
    assert.equal(person(hupa, 'HUPA0019').carbsGrams, undefined);
    assert.match(person(hupa, 'HUPA0019').notes.join(), /unit unknown/);
    assert.equal(person(hupa, 'HUPA0015').carbsGrams, undefined);
  });

  it('flags the glucose as interpolated; basal per 5 minutes as a rate; pens, pump or unknown', () => {
    for (const p of hupa.people) {
      assert.equal(p.interpolated, true);
      assert.equal(p.unit, 'mg/dL');
      assert.equal(p.intervalMinutes, 5);
    }
    assert.equal(person(hupa, 'HUPA0001').therapy, 'pump');
    assert.equal(person(hupa, 'HUPA0017').therapy, 'mdi');
    assert.equal(person(hupa, 'HUPA0015').therapy, 'unknown');
    const basal = person(hupa, 'HUPA0017').basal!;
    assert.equal(basal.kind, 'rateUnitsPerHour');
  });
});

describe('plain CSV', () => {
  it('PhysioCGM: Low and High kept at the floor and ceiling, ages from the metadata file', () => {
    const p = person(physio, 'c1s02');
    assert.match(p.notes.join(), /4 "Low" and 2 "High"/);
    const lows = p.flags.reduce((n, f) => n + (f === ReadingFlag.Low ? 1 : 0), 0);
    const highs = p.flags.reduce((n, f) => n + (f === ReadingFlag.High ? 1 : 0), 0);
    assert.equal(lows, 4);
    assert.equal(highs, 2);
    p.flags.forEach((f, i) => {
      if (f === ReadingFlag.Low) assert.equal(p.glucose[i], 40);
      if (f === ReadingFlag.High) assert.equal(p.glucose[i], 400);
    });
    assert.ok(physio.people.every((x) => x.ageGroup === 'adult'));
    assert.equal(physio.people.length, 4, 'the metadata file is not a person');
  });

  it('one file with a person column, mmol/L by name, unsorted rows and duplicates', () => {
    const dir = temp();
    const rows = ['subject_id,Time,Glucose (mmol/L),steps'];
    for (let i = 287; i >= 0; i--) {
      const t = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
      rows.push(`A,${t},${(6 + Math.sin(i / 20)).toFixed(1)},${i % 3}`, `B,${t},${(8 + Math.cos(i / 30)).toFixed(1)},0`);
      if (i === 100) rows.push(`A,${t},${(6 + Math.sin(i / 20)).toFixed(1)},0`);
    }
    writeFileSync(join(dir, 'all.csv'), rows.join('\n'));
    const set = readRealSet({ format: 'csv', path: join(dir, 'all.csv') });
    assert.deepEqual(
      set.people.map((p) => p.personId),
      ['A', 'B'],
    );
    const a = set.people[0]!;
    assert.equal(a.unit, 'mmol/L');
    assert.equal(a.timesMs.length, 288);
    assert.match(a.notes.join(), /1 duplicated readings kept once/);
    assert.equal(a.timesMs[0], Date.UTC(2024, 0, 1));
    assert.equal(a.glucose[0], 6.0);
  });

  it('refuses what it cannot read: one line naming what is wrong and what is allowed', () => {
    const dir = temp();
    writeFileSync(join(dir, 'x.csv'), 'timestamp,value\n2024-01-01 00:00:00,100\n');
    assert.throws(
      () => readRealSet({ format: 'csv', path: join(dir, 'x.csv') }),
      /the unit of column "value" is not in its name; pass --units/,
    );
    writeFileSync(join(dir, 'y.csv'), 'timestamp,heart_rate\n2024-01-01 00:00:00,70\n');
    assert.throws(() => readRealSet({ format: 'csv', path: join(dir, 'y.csv') }), /no glucose column/);
    assert.throws(() => readRealSet({ format: 'csv', path: join(dir, 'missing') }), /no such file or folder/);
    // Too little data: a few readings on one day.
    assert.throws(
      () => readRealSet({ format: 'csv', path: join(dir, 'x.csv') }, 'mg/dL'),
      (error: Error) => error instanceof RealDataError && /nobody with enough data.*70 % coverage/.test(error.message),
    );
    assert.throws(() => parseRealSpec('dexcom=/tmp'), /expected FORMAT=PATH with FORMAT one of t1d-uom, hupa-ucm, csv, ohiot1dm/);
    assert.throws(() => parseRealSpec('t1d-uom'), /expected FORMAT=PATH/);
    assert.throws(() => readRealSet({ format: 't1d-uom', path: dir }), /no "Glucose Data" folder/);
    assert.throws(() => readRealSet({ format: 'hupa-ucm', path: dir }), /no HUPA####P.csv files/);
  });
});

describe('OhioT1DM XML', () => {
  it('reads glucose, basal with temporary rates, boluses, meals, heart rate and steps (an XML written to the published schema)', () => {
    const dir = join(temp(), 'ohio');
    mkdirSync(dir);
    const ts = (minutes: number) => {
      const d = new Date(Date.UTC(2027, 0, 19) + minutes * 60_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${p(d.getUTCDate())}-${p(d.getUTCMonth() + 1)}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:00`;
    };
    const glucose = Array.from(
      { length: 288 * 2 },
      (_, i) => `<event ts="${ts(i * 5)}" value="${Math.round(120 + 40 * Math.sin(i / 30))}"/>`,
    );
    const heart = Array.from({ length: 288 }, (_, i) => `<event ts="${ts(i * 5)}" value="${70 + (i % 10)}"/>`);
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<patient id="900" weight="99" insulin_type="Novalog">
<glucose_level>${glucose.join('')}</glucose_level>
<finger_stick><event ts="${ts(60)}" value="130"/></finger_stick>
<basal><event ts="${ts(0)}" value="0.9"/><event ts="${ts(600)}" value="1.1"/></basal>
<temp_basal><event ts_begin="${ts(120)}" ts_end="${ts(180)}" value="0"/></temp_basal>
<bolus><event ts_begin="${ts(480)}" ts_end="${ts(480)}" type="normal" dose="4.5" bwz_carb_input="45"/></bolus>
<meal><event ts="${ts(475)}" type="Breakfast" carbs="45"/><event ts="${ts(760)}" type="Lunch" carbs="60"/></meal>
<basis_heart_rate>${heart.join('')}</basis_heart_rate>
<basis_steps><event ts="${ts(5)}" value="120"/><event ts="${ts(10)}" value="0"/></basis_steps>
</patient>`;
    writeFileSync(join(dir, '900-ws-training.xml'), xml);
    const set = readRealSet({ format: 'ohiot1dm', path: dir });
    const p = set.people[0]!;
    assert.equal(p.personId, '900');
    assert.equal(p.unit, 'mg/dL');
    assert.equal(p.timesMs.length, 576);
    assert.equal(p.intervalMinutes, 5);
    assert.equal(p.therapy, 'pump');
    assert.equal(p.glucose[0], 120);
    const basal = p.basal!;
    assert.equal(basal.kind, 'rateUnitsPerHour');
    if (basal.kind === 'rateUnitsPerHour') {
      assert.deepEqual(basal.rates, [0.9, 0, 0.9, 1.1], 'the temporary rate, then back to the scheduled one');
      assert.deepEqual(
        basal.timesMs.map((t) => (t - Date.UTC(2027, 0, 19)) / 60_000),
        [0, 120, 180, 600],
      );
    }
    assert.deepEqual(p.bolusUnits!.amounts, [4.5]);
    assert.deepEqual(p.carbsGrams!.amounts, [45, 60]);
    assert.equal(p.heartRateBpm!.values.length, 288);
    assert.deepEqual(Array.from(p.steps!.values), [120, 0]);
  });
});
