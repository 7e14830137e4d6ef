// The heart rate's response to a meal (physiology/wearables.ts): the published rise after an 800-kcal
// meal, its size in proportion to what is in the stomach, and its time course in the parameter sets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rk4Integrator, mealCarbsInStomachGrams, restingInputs } from '../../src/physiology/glucoseInsulin.ts';
import { postprandialHeartRateRiseBpm } from '../../src/physiology/wearables.ts';
import { MEAL_EATING_RATE_G_PER_MIN } from '../../src/simulation/controllers/person.ts';
import { EatingQueue } from '../../src/simulation/patient.ts';
import { quantile } from '../../src/realism/realismBands.ts';
import { publishedPatientsOf, type PublishedPatient } from '../helpers/publishedPatient.ts';

/** About the carbohydrate of an 800-kcal mixed meal (half its energy). */
const MEAL_GRAMS = 100;

/** A published adult at rest eats MEAL_GRAMS at the everyday rate: carbohydrate in the stomach (g) per minute for 5 h. */
function stomachAfterMeal(adult: PublishedPatient): Float64Array {
  const state = Float64Array.from(adult.x0);
  const inputs = restingInputs(adult.basalPmolPerKgPerMin);
  const rk4 = new Rk4Integrator();
  const eating = new EatingQueue();
  eating.add(MEAL_GRAMS, MEAL_EATING_RATE_G_PER_MIN);
  inputs.mealDoseMg = MEAL_GRAMS * 1000;
  const grams = new Float64Array(300);
  for (let minute = 0; minute < grams.length; minute++) {
    inputs.carbIntakeMgPerMin = eating.swallowMg();
    rk4.step(state, adult.p, inputs, 1, 2);
    grams[minute] = mealCarbsInStomachGrams(state);
  }
  return grams;
}

describe('heart rate after a meal', () => {
  const adults = publishedPatientsOf('adult');
  const stomachs = adults.map(stomachAfterMeal);
  const fullest = stomachs.map((grams) => Math.max(...grams));

  it('rises in proportion to the meal in the stomach, 12 bpm at 90 g, at most 15 bpm', () => {
    assert.equal(postprandialHeartRateRiseBpm(0), 0);
    assert.ok(Math.abs(postprandialHeartRateRiseBpm(90) - 12) < 1e-9);
    assert.ok(Math.abs(postprandialHeartRateRiseBpm(45) - 6) < 1e-9);
    assert.equal(postprandialHeartRateRiseBpm(200), 15);
    assert.equal(postprandialHeartRateRiseBpm(-1), 0);
  });

  it("an 800-kcal meal raises it by about 12 bpm at its peak (Kearney et al.: 65 → 77 bpm), as the sets' stomachs hold it", () => {
    const median = quantile(fullest.map(postprandialHeartRateRiseBpm), 0.5);
    assert.ok(median >= 11 && median <= 13, `median peak rise ${median.toFixed(1)} bpm`);
  });

  it('peaks as eating ends and fades over the next hours: under a third of the peak 4 h after the meal began', () => {
    const eatingMinutes = MEAL_GRAMS / MEAL_EATING_RATE_G_PER_MIN;
    for (const [i, grams] of stomachs.entries()) {
      const peakMinute = grams.indexOf(fullest[i]!);
      assert.ok(Math.abs(peakMinute - eatingMinutes) <= 2, `${adults[i]!.name}: peak at ${peakMinute} min`);
    }
    const after4h = quantile(
      stomachs.map((grams, i) => postprandialHeartRateRiseBpm(grams[239]!) / postprandialHeartRateRiseBpm(fullest[i]!)),
      0.5,
    );
    assert.ok(after4h < 1 / 3, `median rise at 4 h ${after4h.toFixed(2)} of the peak`);
  });
});
