// The fidelity metrics against their named definitions, on series computed by hand: a sine, a
// series with a gap, thresholds in each unit, Kovatchev's risk, the project's episode rule on a
// 5-minute grid, the common grid and the segments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autocorrelation, bgRiskScale, cutSegments, sd5, segmentMetrics } from '../../src/fidelity/metrics.ts';
import { SLOT_MS, SLOTS_PER_DAY } from '../../src/fidelity/grid.ts';
import { heldMinutes, onCommonGrid, toSlots, type GridSeries } from '../../src/fidelity/series.ts';
import { matchGenerated } from '../../src/fidelity/runFidelity.ts';
import { carbsRemaining, longInsulinRemaining, onBoard, rapidInsulinRemaining } from '../../src/fidelity/onBoard.ts';
import { MGDL_PER_MMOL } from '../../src/real/types.ts';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

function series(values: number[], overrides: Partial<GridSeries> = {}): GridSeries {
  const glucose = Float64Array.from(values);
  return {
    side: 'real',
    source: 'test',
    personId: 'p',
    therapy: 'unknown',
    ageGroup: 'adult',
    startMs: 0,
    unit: 'mg/dL',
    glucose,
    commonMgdl: glucose.map((v) => (Number.isNaN(v) ? v : v)),
    atCeiling: new Uint8Array(values.length),
    intervalMinutes: 5,
    dynamics: true,
    ...overrides,
  };
}

describe('fidelity metrics', () => {
  it('a sine: sd5 = √2·A·sin(ω/2), the autocorrelation at lag L = cos(ωL)', () => {
    const amplitude = 40,
      period = 72; // 6 hours of 5-minute slots
    const omega = (2 * Math.PI) / period;
    const values = Array.from({ length: period * 40 }, (_, t) => 150 + amplitude * Math.sin(omega * t));
    close(sd5(values), Math.SQRT2 * amplitude * Math.sin(omega / 2), 0.01, 'sd5');
    close(autocorrelation(values, 6), Math.cos(omega * 6), 0.005, 'acf30');
    close(autocorrelation(values, 12), Math.cos(omega * 12), 0.005, 'acf60');
  });

  it('a gap: only consecutive observed pairs count, never a pair across the gap', () => {
    // 100, 102, 104, gap, 200, 203, 206: changes 2, 2, 3, 3 (SD of [2,2,3,3] = 0.577…); 104→200 never seen.
    const values = [100, 102, 104, Number.NaN, 200, 203, 206];
    close(sd5(values), Math.sqrt(1 / 3), 1e-12, 'sd5');
    // Lag 1 pairs: (100,102),(102,104),(200,203),(203,206): Pearson over those four.
    const a = [100, 102, 200, 203],
      b = [102, 104, 203, 206];
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    const ma = mean(a),
      mb = mean(b);
    const r =
      a.reduce((s, v, i) => s + (v - ma) * (b[i]! - mb), 0) /
      Math.sqrt(a.reduce((s, v) => s + (v - ma) ** 2, 0) * b.reduce((s, v) => s + (v - mb) ** 2, 0));
    close(autocorrelation(values, 1), r, 1e-12, 'acf lag 1');
  });

  it('times in ranges by the consensus thresholds of the set’s own unit (10.0 mmol/L and 180 mg/dL are in range)', () => {
    const mmol = series([3.0, 3.8, 3.9, 10.0, 10.1, 13.9, 14.0, 2.9], { unit: 'mmol/L' });
    mmol.commonMgdl = mmol.glucose.map((v) => onCommonGrid(v * MGDL_PER_MMOL));
    const m = segmentMetrics({ series: mmol, from: 0, to: 8 });
    assert.equal(m.tir, (100 * 2) / 8); // 3.9, 10.0
    assert.equal(m.tbr70, (100 * 3) / 8); // 3.0, 3.8, 2.9
    assert.equal(m.tbr54, (100 * 1) / 8); // 2.9
    assert.equal(m.tar180, (100 * 3) / 8); // 10.1, 13.9, 14.0
    assert.equal(m.tar250, (100 * 1) / 8); // 14.0
    const mgdl = segmentMetrics({ series: series([54, 53, 70, 69, 180, 181, 250, 251]), from: 0, to: 8 });
    assert.deepEqual([mgdl.tir, mgdl.tbr70, mgdl.tbr54, mgdl.tar180, mgdl.tar250], [25, 37.5, 12.5, 37.5, 12.5]);
  });

  it('mean, CV, GMI and Kovatchev’s LBGI/HBGI', () => {
    close(bgRiskScale(112.5), 0, 0.01, 'the risk scale is 0 near 112.5 mg/dL');
    const m = segmentMetrics({ series: series([60, 60, 300, 300]), from: 0, to: 4 });
    assert.equal(m.mean, 180);
    close(m.cv, (100 * 120) / 180, 1e-9, 'CV (population SD, as dataset/cgmMetrics.ts)');
    close(m.gmi, 3.31 + 0.02392 * 180, 1e-12, 'GMI');
    close(m.lbgi, (2 * 10 * bgRiskScale(60) ** 2) / 4, 1e-9, 'LBGI');
    close(m.hbgi, (2 * 10 * bgRiskScale(300) ** 2) / 4, 1e-9, 'HBGI');
  });

  it('hypo episodes by the project’s rule: 15 minutes below 70 on a 5-minute grid, nocturnal from 00:00 to 06:00', () => {
    const day = new Array<number>(SLOTS_PER_DAY).fill(120);
    // 01:00–01:15: three readings below 70 (15 min) → one nocturnal episode; 12:00–12:10: two readings → none; 15:00–15:20 → one.
    for (const slot of [12, 13, 14, 144, 145, 180, 181, 182, 183]) day[slot] = 60;
    const m = segmentMetrics({ series: series(day), from: 0, to: SLOTS_PER_DAY });
    assert.equal(m.hypoPerWeek, 2 * 7);
    assert.equal(m.nocturnalHypoShare, 0.5);
    // A 15-minute sensor: one reading below 70 stands for 15 minutes.
    const held = heldMinutes(Float64Array.from([120, Number.NaN, Number.NaN, 60, Number.NaN, Number.NaN, 120]), 15);
    assert.equal(held.filter((v) => v === 60).length, 15);
  });

  it('slots take the nearest reading; segments need 70 % of the sensor’s readings; the common grid is 0.1 mmol/L', () => {
    const slots = toSlots([0, 4 * 60_000, 9 * 60_000, 11 * 60_000], [1, 2, 3, 4], 0, 3);
    // 4 min → slot 1; 9 and 11 min are both 1 min from slot 2: the first is kept.
    assert.deepEqual(Array.from(slots), [1, 2, 3]);
    const values = new Array<number>(2 * SLOTS_PER_DAY).fill(100);
    for (let s = SLOTS_PER_DAY; s < SLOTS_PER_DAY + 100; s++) values[s] = Number.NaN; // day 2: 188 of 288 readings (65 %)
    assert.deepEqual(
      cutSegments(series(values), SLOTS_PER_DAY).map((s) => s.from),
      [0],
    );
    const quarterHour = series(
      values.map((v, i) => (i % 3 === 0 ? v : Number.NaN)),
      { intervalMinutes: 15 },
    );
    assert.equal(cutSegments(quarterHour, SLOTS_PER_DAY).length, 1, 'a 15-minute sensor is judged on its own interval');
    close(onCommonGrid(180), 10.0 * MGDL_PER_MMOL, 1e-9, '180 mg/dL on the 0.1 mmol/L grid');
    close(onCommonGrid(5.55 * MGDL_PER_MMOL + 0.01), 5.6 * MGDL_PER_MMOL, 1e-9, 'rounds to the nearest step');
    assert.equal(SLOT_MS, 300_000);
  });

  it('--match narrows the generated people to the real therapies (where known) and age groups', () => {
    const real = [series([1], { therapy: 'pump', ageGroup: 'adult' }), series([1], { therapy: 'unknown', ageGroup: 'adult' })];
    const generated = [
      series([1], { therapy: 'pump', ageGroup: 'adult', personId: 'a' }),
      series([1], { therapy: 'mdi', ageGroup: 'adult', personId: 'b' }),
      series([1], { therapy: 'pump', ageGroup: 'child', personId: 'c' }),
    ];
    assert.deepEqual(
      matchGenerated(generated, real, ['age']).kept.map((s) => s.personId),
      ['a', 'b'],
    );
    assert.deepEqual(
      matchGenerated(generated, real, ['therapy', 'age']).kept.map((s) => s.personId),
      ['a'],
    );
    assert.equal(matchGenerated(generated, real, ['therapy']).realPeopleWithKnownTherapy, 1);
  });
});

describe('insulin and carbs on board from logged events', () => {
  it('rapid insulin: all of it at 0, none after 5 h, half left near 2 h; long-acting over a day; carbs with a 45-minute time constant', () => {
    assert.equal(rapidInsulinRemaining(0), 1);
    assert.equal(rapidInsulinRemaining(300), 0);
    for (let m = 5; m < 300; m += 5) assert.ok(rapidInsulinRemaining(m) < rapidInsulinRemaining(m - 5), `falls at ${m} min`);
    const half = [...Array(60).keys()].map((k) => k * 5).find((m) => rapidInsulinRemaining(m) < 0.5)!;
    assert.ok(half >= 100 && half <= 140, `half left at ${half} min`);
    assert.equal(longInsulinRemaining(720), 0.5);
    close(carbsRemaining(45), Math.exp(-1), 1e-12, 'carbs after one time constant');
  });

  it('on board adds up what is left of every earlier delivery', () => {
    const delivered = new Float64Array(12);
    delivered[0] = 2;
    delivered[6] = 1;
    const iob = onBoard(delivered, (m) => rapidInsulinRemaining(m), 300);
    assert.equal(iob[0], 2);
    close(iob[6]!, 2 * rapidInsulinRemaining(30) + 1, 1e-12, 'two doses on board');
    close(iob[11]!, 2 * rapidInsulinRemaining(55) + rapidInsulinRemaining(25), 1e-12, 'later');
  });
});
