// Three rules of the cohort against real figures: how often adults forget a meal bolus, how often
// they cover a snack, and how much insulin sensitivity drifts from day to day
// (cohort/patientProfile.ts, physiology/sensitivityDrift.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPatientProfile, missedMealBolusProbability, snackBolusProbability } from '../../src/cohort/patientProfile.ts';
import { DEFAULT_CONFIG } from '../../src/config/config.ts';
import { SensitivityDrift } from '../../src/physiology/sensitivityDrift.ts';
import { quantile } from '../../src/realism/realismBands.ts';
import { randomStream } from '../../src/util/random.ts';

const adults = Array.from({ length: 400 }, (_, index) =>
  drawPatientProfile(42, index, { therapyMix: DEFAULT_CONFIG.therapyMix, ageMix: { child: 0, adolescent: 0, adult: 1 } }),
);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const cv = (values: number[]) => {
  const mu = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mu) ** 2, 0) / (values.length - 1)) / mu;
};

/** Adults' mean chance of missing a meal bolus. */
const adultsMissedRate = mean(adults.map((p) => p.habits.missedBolusProbability));

describe('missed meal boluses', () => {
  it('adults miss 9–14 % of meal boluses (smart-pen data: 7.5–12.2 % of main meals, Ampudia-Blasco et al. 2024)', () => {
    assert.ok(adultsMissedRate >= 0.09 && adultsMissedRate <= 0.14, `adults' mean rate ${adultsMissedRate.toFixed(3)}`);
  });

  it('grows with the struggle to keep control, and the young keep the full rule', () => {
    assert.ok(missedMealBolusProbability(0.9, 'adult') > missedMealBolusProbability(0.3, 'adult'));
    assert.equal(missedMealBolusProbability(0.5, 'adolescent'), 0.02 + 0.45 * 0.25);
    assert.equal(missedMealBolusProbability(0.5, 'child'), missedMealBolusProbability(0.5, 'adolescent'));
    assert.ok(Math.abs(missedMealBolusProbability(0.5, 'adult') - 0.4 * (0.02 + 0.45 * 0.25)) < 1e-12);
  });
});

describe('snack boluses', () => {
  it('adults cover snacks at 0.58–0.72 of their meal-bolus rate (T1D-UOM: per-person median 0.65)', () => {
    const snackRate = mean(adults.map((p) => p.habits.snackBolusProbability));
    const mealRate = 1 - adultsMissedRate;
    const ratio = snackRate / mealRate;
    assert.ok(ratio >= 0.58 && ratio <= 0.72, `snacks ${snackRate.toFixed(3)} / meals ${mealRate.toFixed(3)} = ${ratio.toFixed(3)}`);
  });

  it('falls with the struggle to keep control; the young cover fewer', () => {
    assert.ok(snackBolusProbability(0.9, 'adult') < snackBolusProbability(0.3, 'adult'));
    assert.ok(Math.abs(snackBolusProbability(0.5, 'adolescent') - 0.3) < 1e-12);
    assert.equal(snackBolusProbability(0.5, 'child'), snackBolusProbability(0.5, 'adolescent'));
    assert.ok(snackBolusProbability(0, 'adult') <= 1 && snackBolusProbability(1, 'adult') > snackBolusProbability(1, 'child'));
  });
});

describe('insulin sensitivity drift', () => {
  // Day-to-day CV of insulin needs in free-living adults on a closed loop, mean (SD across people):
  // overnight 31 % (4), daytime 22 % (4), whole days 17 % (3) (Ruan et al., Diabetes Care 2016).
  const medianSd = quantile(
    adults.map((p) => p.habits.sensitivityVariabilitySd),
    0.5,
  );
  const drift = new SensitivityDrift(medianSd, randomStream(7, 0, 'sensitivityDriftTest'));
  const nights: number[] = [],
    daytimes: number[] = [],
    days: number[] = [];
  for (let day = 0; day < 1000; day++) {
    let night = 0,
      daytime = 0;
    // Insulin need goes as 1 / sensitivity; the night is 00:00–08:00.
    for (let minute = 0; minute < 1440; minute++) {
      const need = 1 / drift.step();
      if (minute < 480) night += need;
      else daytime += need;
    }
    nights.push(night / 480);
    daytimes.push(daytime / 960);
    days.push((night + daytime) / 1440);
  }
  const [nightCv, daytimeCv, dayCv] = [cv(nights), cv(daytimes), cv(days)];

  it("the median adult's insulin needs vary from day to day within two SDs of Ruan's means", () => {
    assert.ok(nightCv >= 0.23 && nightCv <= 0.39, `overnight CV ${nightCv.toFixed(3)}`);
    assert.ok(daytimeCv >= 0.14 && daytimeCv <= 0.3, `daytime CV ${daytimeCv.toFixed(3)}`);
    assert.ok(dayCv >= 0.11 && dayCv <= 0.23, `whole-day CV ${dayCv.toFixed(3)}`);
  });

  it('nights vary more than days, and whole days least', () => {
    assert.ok(nightCv > daytimeCv && daytimeCv > dayCv);
  });

  it('stays within ×0.5…×1.65 of the person’s own sensitivity', () => {
    const wide = new SensitivityDrift(2, randomStream(7, 1, 'sensitivityDriftTest'));
    for (let minute = 0; minute < 20_000; minute++) {
      const multiplier = wide.step();
      assert.ok(multiplier >= Math.exp(-0.7) - 1e-12 && multiplier <= Math.exp(0.5) + 1e-12);
    }
  });
});
