// Sugars taken on their own reach the blood through a fast route; everyday meals through the
// UVA/Padova stomach and gut, absorbed more slowly than the laboratory meal (docs/PHYSIOLOGY.md §1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPatientProfile } from '../../src/cohort/patientProfile.ts';
import { loadVirtualPatients } from '../../src/cohort/uvaPadovaParameters.ts';
import { singleMix } from '../../src/domain/cohort.ts';
import { Rk4Integrator, plasmaGlucoseMgdl, restingInputs } from '../../src/physiology/glucoseInsulin.ts';
import { quantile } from '../../src/realism/realismBands.ts';
import { FAST_EATING_RATE_G_PER_MIN } from '../../src/simulation/controllers/person.ts';
import { EatingQueue } from '../../src/simulation/patient.ts';
import { publishedPatientsOf, type PublishedPatient } from '../helpers/publishedPatient.ts';

const adultSets = publishedPatientsOf('adult');
const TREATMENT_GRAMS = 16;
const LOW_MGDL = 58;

/**
 * Drives a published adult into insulin-induced hypoglycaemia (four times the basal infusion, kept
 * on), then gives 16 g of carbohydrate through one route: plasma glucose rise per minute after it.
 */
function riseAfterTreatment(
  { name, p, x0, basalPmolPerKgPerMin }: PublishedPatient,
  route: 'fast' | 'meal',
): { rise: number[]; minutesToAbove70: number } {
  const state = Float64Array.from(x0);
  const inputs = restingInputs(4 * basalPmolPerKgPerMin);
  const rk4 = new Rk4Integrator();
  for (let minute = 0; plasmaGlucoseMgdl(state, p) > LOW_MGDL; minute++) {
    assert.ok(minute < 1000, `${name} never fell below ${LOW_MGDL} mg/dL`);
    rk4.step(state, p, inputs, 1, 2);
  }
  const start = plasmaGlucoseMgdl(state, p);
  if (route === 'meal') inputs.mealDoseMg = TREATMENT_GRAMS * 1000;
  const eating = new EatingQueue();
  eating.add(TREATMENT_GRAMS, FAST_EATING_RATE_G_PER_MIN);
  let minutesToAbove70 = Number.POSITIVE_INFINITY;
  const rise: number[] = [];
  for (let minute = 0; minute <= 60; minute++) {
    const glucose = plasmaGlucoseMgdl(state, p);
    rise.push(glucose - start);
    if (glucose > 70 && minutesToAbove70 === Number.POSITIVE_INFINITY) minutesToAbove70 = minute;
    const eatenMg = eating.swallowMg();
    if (route === 'fast') inputs.fastCarbIntakeMgPerMin = eatenMg;
    else inputs.carbIntakeMgPerMin = eatenMg;
    rk4.step(state, p, inputs, 1, 2);
  }
  return { rise, minutesToAbove70 };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('fast carbohydrate', () => {
  const fast = adultSets.map((set) => riseAfterTreatment(set, 'fast'));

  it('raises plasma glucose within 10 minutes of a hypo treatment (Slama et al. 1990)', () => {
    const at10 = fast.map(({ rise }) => rise[10]!);
    for (const rise of at10) assert.ok(rise > 0, `rise at 10 min ${rise.toFixed(1)} mg/dL`);
    assert.ok(mean(at10) > 5, `mean rise at 10 min ${mean(at10).toFixed(1)} mg/dL`);
  });

  it('16 g raise it by 0.85 ± 0.66 mmol/L in 15 minutes, within two SD, and end the low within 30 (Gingras et al. 2018)', () => {
    // 0.85 ± 0.66 mmol/L is 15.3 ± 11.9 mg/dL; the study's lows ended after 19.5 ± 12.0 min.
    const at15 = fast.map(({ rise }) => rise[15]!);
    assert.ok(mean(at15) > 15.3 - 2 * 11.9 && mean(at15) < 15.3 + 2 * 11.9, `mean rise at 15 min ${mean(at15).toFixed(1)} mg/dL`);
    for (const { minutesToAbove70 } of fast) assert.ok(minutesToAbove70 <= 30, `above 70 mg/dL after ${minutesToAbove70} min`);
  });

  it('the mixed-meal route would leave the same sugar hardly felt for 15 minutes, the reason for the fast one', () => {
    const meal = adultSets.map((set) => riseAfterTreatment(set, 'meal'));
    assert.ok(mean(meal.map(({ rise }) => rise[15]!)) < 5);
    assert.ok(mean(meal.map(({ rise }) => rise[15]!)) < mean(fast.map(({ rise }) => rise[15]!)) / 4);
  });
});

describe('everyday meals', () => {
  it("are absorbed from the gut at half the parameter set's rate (kabs), each person's jittered around it", () => {
    const adults = Array.from({ length: 300 }, (_, index) => drawPatientProfile(42, index, singleMix('mdi', 'adult')));
    const setKabs = new Map(loadVirtualPatients().map((set) => [set.name, set.kabs]));
    const ratios = adults.map(({ model, baseParameterSet }) => model.kabs / setKabs.get(baseParameterSet)!);
    const median = quantile(ratios, 0.5);
    assert.ok(median > 0.47 && median < 0.53, `median kabs over the set's ${median.toFixed(3)}`);
  });
});
