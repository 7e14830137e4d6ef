import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPatientProfile } from '../../src/cohort/patientProfile.ts';
import { DEFAULT_CONFIG } from '../../src/config/config.ts';
import { AGE_GROUPS, singleMix, THERAPIES, type AgeGroup, type Therapy } from '../../src/domain/cohort.ts';
import { F, LABEL_NAMES } from '../../src/domain/features.ts';
import { labelWindows } from '../../src/dataset/labels.ts';
import { cgmMetrics, type CgmMetrics } from '../../src/dataset/cgmMetrics.ts';
import { judgeGroups, MIN_PATIENTS_PER_CELL, type PatientMetrics } from '../../src/realism/groupBands.ts';
import { LABEL_PREVALENCE_BANDS, quantile, REALISM_BANDS } from '../../src/realism/realismBands.ts';
import { EFFECT_BANDS, MAX_TBR70_INCREASE, pairedDifference } from '../../src/trial/pairedTrial.ts';
import { simulatePatient } from '../../src/simulation/simulatePatient.ts';
import { addToSensorStudy, emptySensorStudy, sensorStudyReport } from '../../src/realism/sensorStudy.ts';
import { ActivityKind } from '../../src/domain/activity.ts';

const MINUTES = 3 * 1440;
/** How many bands each list holds today: a list that loses one fails here instead of losing its test. */
const EXPECTED = { realismBands: 2, cgmChecks: 9, effectBands: 3 };

describe('realism of the default cohort (150 patients × 3 days, seed 42)', () => {
  const metrics: CgmMetrics[] = [];
  const positives = [0, 0, 0, 0, 0, 0];
  let windows = 0;
  const sensors = emptySensorStudy('libre3');
  for (let index = 0; index < 150; index++) {
    const series = simulatePatient(42, drawPatientProfile(42, index, DEFAULT_CONFIG), MINUTES);
    metrics.push(cgmMetrics(series.signals[F.glucose_mgdl]!));
    const asleep = series.timeline.activityKind.map((kind) => (kind === ActivityKind.Sleep ? 1 : 0));
    addToSensorStudy(sensors, series.signals[F.glucose_mgdl]!, series.bloodGlucoseMgdl, series.sensor, asleep, MINUTES);
    labelWindows(series.signals, 4, MINUTES - 5).forEach((column, l) => {
      for (const v of column) positives[l]! += v;
    });
    windows += MINUTES - 5;
  }

  it('every band is checked (a list that empties would drop its tests silently)', () => {
    assert.equal(REALISM_BANDS.length, EXPECTED.realismBands);
    assert.equal(cgmChecks.length, EXPECTED.cgmChecks);
    assert.equal(LABEL_NAMES.length, 6);
    assert.equal(windows, 150 * (MINUTES - 5));
  });

  for (const band of REALISM_BANDS) {
    it(`${band.label}: cohort median in [${band.min.toFixed(2)}, ${band.max.toFixed(2)}] (${band.source})`, () => {
      const median = quantile(
        metrics.map((m) => m[band.metric]),
        0.5,
      );
      assert.ok(median >= band.min && median <= band.max, `median ${median.toFixed(2)}`);
    });
  }

  // The night-time share of hypo episodes needs more patients than these (npm run realism has 400); the rest is held here.
  const cgm = sensorStudyReport(sensors);
  const cgmChecks = cgm.checks.filter((c) => c.band && !c.label.includes('00:00'));
  for (const check of cgmChecks) {
    it(`CGM: ${check.label} in [${check.band![0]}, ${check.band![1]}]`, () => {
      assert.ok(check.ok, `${check.value.toFixed(3)}`);
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

describe(`realism per therapy × age group (${MIN_PATIENTS_PER_CELL} people per age group, each under every therapy, 3 days, seed 42)`, () => {
  // One simulation per person and therapy: the cells and the paired effects come from the same runs.
  const outcomes = new Map<string, CgmMetrics[]>();
  const key = (therapy: Therapy, ageGroup: AgeGroup) => `${therapy} ${ageGroup}`;
  const patients: PatientMetrics[] = [];
  for (const ageGroup of AGE_GROUPS) {
    for (let index = 0; index < MIN_PATIENTS_PER_CELL; index++) {
      const profile = drawPatientProfile(42, index, singleMix('mdi', ageGroup));
      for (const therapy of THERAPIES) {
        const metrics = cgmMetrics(simulatePatient(42, profile, MINUTES, { therapy }).signals[F.glucose_mgdl]!);
        patients.push({ therapy, ageGroup, metrics });
        if (!outcomes.has(key(therapy, ageGroup))) outcomes.set(key(therapy, ageGroup), []);
        outcomes.get(key(therapy, ageGroup))!.push(metrics);
      }
    }
  }
  const groups = judgeGroups(patients);

  it('every therapy × age cell and every trial effect is checked', () => {
    assert.equal(groups.cells.length, THERAPIES.length * AGE_GROUPS.length);
    assert.equal(EFFECT_BANDS.length, EXPECTED.effectBands);
  });

  for (const cell of groups.cells) {
    it(`${cell.therapy} ${cell.ageGroup}: ${cell.checks.map((c) => `${c.metric} in [${c.min}, ${c.max}]`).join(', ') || 'reported (no band)'}`, () => {
      assert.equal(cell.patients, MIN_PATIENTS_PER_CELL);
      assert.ok(cell.judged);
      for (const check of cell.checks)
        assert.ok(check.ok, `${check.metric} median ${check.median.toFixed(2)} outside [${check.min}, ${check.max}] (${check.source})`);
    });
  }

  it('children and adolescents are more variable (higher CV) than adults on the same therapy', () => {
    assert.equal(groups.variability.length, 6);
    for (const check of groups.variability)
      assert.ok(check.ok, `${check.ageGroup} on ${check.therapy}: CV ${check.cvPct.toFixed(1)} vs adults ${check.adultCvPct.toFixed(1)}`);
  });

  it('a cell under 100 patients is reported but not judged', () => {
    const few = judgeGroups(
      patients
        .filter((p) => p.ageGroup === 'adult')
        .slice(0, 60)
        .map((p) => ({ ...p, metrics: { ...p.metrics, timeInRangePct: 0 } })),
    );
    assert.ok(few.cells.length > 0, 'the adult cells are reported');
    assert.ok(few.cells.every((cell) => !cell.judged) && few.allHold);
  });

  for (const band of EFFECT_BANDS) {
    it(`paired ΔTIR ${band.arm} − ${band.baseline} (${band.ageGroup}) within [+${band.min}, +${band.max}], ΔTBR70 ≤ +${MAX_TBR70_INCREASE}`, () => {
      const arm = outcomes.get(key(band.arm, band.ageGroup))!;
      const baseline = outcomes.get(key(band.baseline, band.ageGroup))!;
      const tir = pairedDifference(arm.map((m, i) => m.timeInRangePct - baseline[i]!.timeInRangePct));
      const tbr = pairedDifference(arm.map((m, i) => m.timeBelow70Pct - baseline[i]!.timeBelow70Pct));
      assert.ok(
        tir.mean >= band.min && tir.mean <= band.max,
        `ΔTIR ${tir.mean.toFixed(1)} (${tir.ci95.map((v) => v.toFixed(1)).join(' to ')})`,
      );
      assert.ok(tbr.mean <= MAX_TBR70_INCREASE, `ΔTBR70 ${tbr.mean.toFixed(2)}`);
    });
  }
});
