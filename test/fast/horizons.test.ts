import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPatientProfile } from '../../src/cohort/patientProfile.ts';
import { singleMix } from '../../src/domain/cohort.ts';
import { F, FEATURE_NAMES } from '../../src/domain/features.ts';
import { forecastTailMinutes, horizonColumns, sustainedEpisodeMask, withinHorizonLabels } from '../../src/dataset/horizons.ts';
import { cutWindows } from '../../src/dataset/windows.ts';
import { simulatePatient } from '../../src/simulation/simulatePatient.ts';

const ADULTS_ON_PENS = singleMix('mdi', 'adult');

/** A CGM series at 120 mg/dL with `value` from `start` for `length` minutes. */
function seriesWith(minutes: number, runs: { start: number; length: number; value: number }[]): Float64Array {
  const series = new Float64Array(minutes).fill(120);
  for (const run of runs) series.fill(run.value, run.start, run.start + run.length);
  return series;
}
const below70 = (g: number) => g < 70;

describe('sustained episodes (CGM < 70 or > 250 for at least 15 consecutive minutes)', () => {
  it('14 minutes below 70 is not an episode; 15 is', () => {
    const fourteen = sustainedEpisodeMask(seriesWith(100, [{ start: 20, length: 14, value: 60 }]), below70);
    assert.equal(
      fourteen.reduce((a, b) => a + b, 0),
      0,
    );
    const fifteen = sustainedEpisodeMask(seriesWith(100, [{ start: 20, length: 15, value: 60 }]), below70);
    assert.deepEqual(
      [...fifteen.keys()].filter((m) => fifteen[m]),
      Array.from({ length: 15 }, (_, i) => 20 + i),
    );
  });

  it('thresholds are strict: exactly 70 (or 250) breaks a run', () => {
    const series = seriesWith(100, [{ start: 10, length: 30, value: 69 }]);
    series[25] = 70; // 15 + 14 minutes either side of it
    const mask = sustainedEpisodeMask(series, below70);
    assert.equal(mask[10], 1);
    assert.equal(mask[25], 0);
    assert.equal(mask[30], 0, 'the 14 minutes after the break are no episode');
    const { labels } = horizonColumns(seriesWith(200, [{ start: 50, length: 20, value: 250 }]), 0, 100, [30]);
    assert.equal(
      labels[1]!.reduce((a, b) => a + b, 0),
      0,
      '250 is not above 250',
    );
  });

  it('labels mark windows whose (t0, t0 + h] touches an episode, at both edges of the horizon', () => {
    const glucose = seriesWith(200, [{ start: 100, length: 20, value: 55 }]);
    const mask = sustainedEpisodeMask(glucose, below70);
    const h = 30;
    const labels = withinHorizonLabels(mask, 0, 150, h);
    // t0 = 69: (69, 99] just misses onset at 100; t0 = 70: t0 + h = 100 is the onset.
    assert.equal(labels[69], 0);
    assert.equal(labels[70], 1);
    // Inside the episode the next minute still belongs to it; at t0 = 119 (last low minute) it does not.
    assert.equal(labels[110], 1);
    assert.equal(labels[118], 1);
    assert.equal(labels[119], 0);
    assert.equal(
      labels.reduce((a, b) => a + b, 0),
      119 - 70,
    );
  });

  it('an episode that straddles the end of the visible series is judged on the simulated tail', () => {
    const visible = 120;
    const horizons = [30];
    const total = visible + forecastTailMinutes(horizons);
    assert.equal(total, 120 + 30 + 14);
    // Low from minute 110: only 10 minutes of it are visible, 15+ once the tail is simulated.
    const glucose = seriesWith(total, [{ start: 110, length: 20, value: 60 }]);
    const signals = FEATURE_NAMES.map((_, f) => (f === F.glucose_mgdl ? glucose : new Float64Array(total).fill(1)));
    const cut = cutWindows(signals, visible, 5, horizons, 0);
    assert.equal(cut.rows, visible - 5);
    const hypo = cut.horizonLabels[0]!;
    assert.equal(hypo[cut.rows - 1], 1, 'the last window (t0 = 118) warns of it');
    // And an episode starting exactly at the last minute a horizon reaches needs the 14 extra minutes.
    const late = seriesWith(total, [{ start: visible - 2 + 30, length: 15, value: 60 }]);
    const lateLabels = horizonColumns(late, 4, visible - 5, horizons).labels[0]!;
    assert.equal(lateLabels[visible - 6], 1);
    assert.equal(lateLabels[visible - 7], 0);
  });

  it('horizon targets are the CGM value h minutes after t0, reading into the tail', () => {
    const visible = 300;
    const horizons = [2, 45, 60];
    const total = visible + forecastTailMinutes(horizons);
    const signals = FEATURE_NAMES.map((_, f) => Float64Array.from({ length: total }, (_, m) => 1000 * f + m));
    const cut = cutWindows(signals, visible, 5, horizons, 0);
    assert.equal(cut.targets.length, 4);
    assert.equal(cut.labels.length, 6);
    assert.equal(cut.horizonTargets.length, 3);
    assert.equal(cut.horizonLabels.length, 6);
    for (const row of [0, 123, cut.rows - 1]) {
      const t0 = 4 + row;
      assert.equal(cut.features[0]![row], t0);
      assert.equal(cut.targets[0]![row], t0 + 1);
      horizons.forEach((h, i) => assert.equal(cut.horizonTargets[i]![row], t0 + h));
    }
    assert.equal(cut.horizonTargets[2]![cut.rows - 1], visible - 2 + 60);
    assert.throws(
      () =>
        cutWindows(
          signals.map((s) => s.subarray(0, visible + 10)),
          visible,
          5,
          horizons,
          0,
        ),
      /reaches past|needs/,
    );
  });

  it('no horizons: no tail, the original columns only', () => {
    assert.equal(forecastTailMinutes([]), 0);
    const signals = FEATURE_NAMES.map(() => new Float64Array(50).fill(100));
    const cut = cutWindows(signals, 50, 5, [], 0);
    assert.equal(cut.targets.length, 4);
    assert.equal(cut.labels.length, 6);
    assert.deepEqual([cut.horizonTargets.length, cut.horizonLabels.length], [0, 0]);
  });
});

describe('the simulated tail changes nothing that is visible', () => {
  it('a patient simulated for one day equals the first day of the same patient simulated longer', () => {
    const profile = drawPatientProfile(42, 7, ADULTS_ON_PENS);
    const day = simulatePatient(42, profile, 1440);
    const longer = simulatePatient(42, profile, 1440 + forecastTailMinutes([30, 60]));
    for (let f = 0; f < FEATURE_NAMES.length; f++) {
      assert.deepEqual(longer.signals[f]!.subarray(0, 1440), day.signals[f]!, FEATURE_NAMES[f]);
    }
  });
});
