import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  autonomicDysregulation,
  bazettQtcMs,
  cardiacAnomaly,
  fallRisk,
  hyperglycemiaRisk,
  hypoglycemiaRisk,
  severeHypotensionRisk,
  type LabelInputs,
} from '../../src/dataset/labels.ts';

const calm: LabelInputs = {
  glucoseT0: 120,
  glucoseT1: 120,
  heartRateT0: 70,
  heartRateT1: 70,
  hrvT0: 50,
  edaT0: 2,
  qtT0: 400,
  activityT0: 0.1,
};
const w = (overrides: Partial<LabelInputs>): LabelInputs => ({ ...calm, ...overrides });

describe('label rules (SCHEMA.md, strict inequalities)', () => {
  it('a calm window has no label', () => {
    for (const rule of [hypoglycemiaRisk, hyperglycemiaRisk, fallRisk, cardiacAnomaly, severeHypotensionRisk, autonomicDysregulation])
      assert.equal(rule(calm), false);
  });

  it('hypoglycemia: g < 70, or g < 80 falling faster than 3 mg/dL/min', () => {
    assert.equal(hypoglycemiaRisk(w({ glucoseT0: 69.9, glucoseT1: 60 })), true);
    assert.equal(hypoglycemiaRisk(w({ glucoseT0: 70, glucoseT1: 70 })), false);
    assert.equal(hypoglycemiaRisk(w({ glucoseT0: 79, glucoseT1: 82.5 })), true); // Δ = −3.5
    assert.equal(hypoglycemiaRisk(w({ glucoseT0: 79, glucoseT1: 82 })), false); // Δ = −3, not < −3
    assert.equal(hypoglycemiaRisk(w({ glucoseT0: 80, glucoseT1: 90 })), false); // 80 is not < 80
  });

  it('hyperglycemia: g > 250, or g > 180 rising faster than 5 mg/dL/min', () => {
    assert.equal(hyperglycemiaRisk(w({ glucoseT0: 251, glucoseT1: 260 })), true);
    assert.equal(hyperglycemiaRisk(w({ glucoseT0: 250, glucoseT1: 250 })), false);
    assert.equal(hyperglycemiaRisk(w({ glucoseT0: 181, glucoseT1: 175 })), true); // Δ = 6
    assert.equal(hyperglycemiaRisk(w({ glucoseT0: 181, glucoseT1: 176 })), false); // Δ = 5
    assert.equal(hyperglycemiaRisk(w({ glucoseT0: 180, glucoseT1: 170 })), false);
  });

  it('fall risk: g < 70 and activity > 0.5 and HRV < 20', () => {
    const base = { glucoseT0: 65, activityT0: 0.6, hrvT0: 15 };
    assert.equal(fallRisk(w(base)), true);
    assert.equal(fallRisk(w({ ...base, glucoseT0: 70 })), false);
    assert.equal(fallRisk(w({ ...base, activityT0: 0.5 })), false);
    assert.equal(fallRisk(w({ ...base, hrvT0: 20 })), false);
  });

  it('cardiac anomaly: Bazett QTc > 470, HR < 45, or HR > 160 at low activity', () => {
    assert.equal(bazettQtcMs(400, 60), 400);
    assert.equal(cardiacAnomaly(w({ qtT0: 471, heartRateT0: 60 })), true);
    assert.equal(cardiacAnomaly(w({ qtT0: 470, heartRateT0: 60 })), false);
    assert.equal(cardiacAnomaly(w({ heartRateT0: 44 })), true);
    assert.equal(cardiacAnomaly(w({ heartRateT0: 45, qtT0: 440 })), false);
    assert.equal(cardiacAnomaly(w({ heartRateT0: 161, qtT0: 250, activityT0: 0.29 })), true);
    assert.equal(cardiacAnomaly(w({ heartRateT0: 161, qtT0: 250, activityT0: 0.3 })), false);
    assert.equal(cardiacAnomaly(w({ heartRateT0: 160, qtT0: 250, activityT0: 0.1 })), false);
  });

  it('severe hypotension: g < 70, activity > 0.3, HR falling by more than 10 bpm', () => {
    const base = { glucoseT0: 65, activityT0: 0.4, heartRateT0: 100, heartRateT1: 111 };
    assert.equal(severeHypotensionRisk(w(base)), true);
    assert.equal(severeHypotensionRisk(w({ ...base, heartRateT1: 110 })), false); // −10 is not < −10
    assert.equal(severeHypotensionRisk(w({ ...base, activityT0: 0.3 })), false);
    assert.equal(severeHypotensionRisk(w({ ...base, glucoseT0: 70 })), false);
  });

  it('autonomic dysregulation: EDA > 12, HRV < 15, glucose < 70 or > 200', () => {
    const base = { edaT0: 12.5, hrvT0: 14, glucoseT0: 65 };
    assert.equal(autonomicDysregulation(w(base)), true);
    assert.equal(autonomicDysregulation(w({ ...base, glucoseT0: 201 })), true);
    assert.equal(autonomicDysregulation(w({ ...base, glucoseT0: 200 })), false);
    assert.equal(autonomicDysregulation(w({ ...base, glucoseT0: 70 })), false);
    assert.equal(autonomicDysregulation(w({ ...base, edaT0: 12 })), false);
    assert.equal(autonomicDysregulation(w({ ...base, hrvT0: 15 })), false);
  });
});
