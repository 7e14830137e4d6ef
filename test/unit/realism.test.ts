import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPatientProfile } from '../../src/cohort/patientProfile.ts';
import { F, LABEL_NAMES } from '../../src/domain/features.ts';
import { labelWindows } from '../../src/dataset/labels.ts';
import { cgmMetrics, type CgmMetrics } from '../../src/dataset/cgmMetrics.ts';
import { LABEL_PREVALENCE_BANDS, quantile, REALISM_BANDS } from '../../src/realism/realismBands.ts';
import { simulatePatient } from '../../src/simulation/simulatePatient.ts';

describe('realism of a fixed cohort (150 patients × 3 days, seed 42)', () => {
  const metrics: CgmMetrics[] = [];
  const positives = [0, 0, 0, 0, 0, 0];
  let windows = 0;
  const minutes = 3 * 1440;
  for (let index = 0; index < 150; index++) {
    const series = simulatePatient(42, drawPatientProfile(42, index), minutes);
    metrics.push(cgmMetrics(series.signals[F.glucose_mgdl]!));
    labelWindows(series.signals, 4, minutes - 5).forEach((column, l) => {
      for (const v of column) positives[l]! += v;
    });
    windows += minutes - 5;
  }

  for (const band of REALISM_BANDS) {
    it(`${band.label}: cohort median in [${band.min.toFixed(2)}, ${band.max.toFixed(2)}] (${band.source})`, () => {
      const median = quantile(metrics.map((m) => m[band.metric]), 0.5);
      assert.ok(median >= band.min && median <= band.max, `median ${median.toFixed(2)}`);
    });
  }

  it('control ranges from good to poor (spread, not just a median)', () => {
    const tir = metrics.map((m) => m.timeInRangePct);
    assert.ok(quantile(tir, 0.9) - quantile(tir, 0.1) > 25, 'TIR p10–p90 spread');
    assert.ok(Math.max(...tir) > 85 && Math.min(...tir) < 40);
  });

  for (const [l, label] of LABEL_NAMES.entries()) {
    const [lo, hi] = LABEL_PREVALENCE_BANDS[label]!;
    it(`${label} prevalence in [${lo}, ${hi}] % of windows`, () => {
      const pct = (100 * positives[l]!) / windows;
      assert.ok(pct >= lo && pct <= hi, `${pct.toFixed(4)}%`);
    });
  }
});
