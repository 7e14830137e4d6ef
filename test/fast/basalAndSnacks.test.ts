// Basal doses near the need, a basal profile without a small-hours dip, and snacks at survey rates:
// the three calibrations that took the upward drift out of generated fasting hours (docs/FIDELITY.md §7).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basalProfile, drawPatientProfile, type PatientProfile } from '../../src/cohort/patientProfile.ts';
import { loadVirtualPatients } from '../../src/cohort/uvaPadovaParameters.ts';
import { singleMix } from '../../src/domain/cohort.ts';
import { solveSteadyState } from '../../src/physiology/steadyState.ts';
import { quantile } from '../../src/realism/realismBands.ts';
import { planSchedule } from '../../src/simulation/scenario.ts';

const SEED = 42;
const setGb = new Map(loadVirtualPatients().map((set) => [set.name, set.Gb]));
const adults = Array.from({ length: 300 }, (_, index) => drawPatientProfile(SEED, index, singleMix('mdi', 'adult')));
/** Each person's fasting level above their parameter set's basal glucose, mg/dL. */
const levelsAboveGb = (profiles: PatientProfile[]) => profiles.map((p) => p.basalGlucoseMgdl - setGb.get(p.baseParameterSet)!);

/** The person's basal dose over the infusion that holds their plasma insulin at Ib (the fasting steady state). */
function doseOverNeed({ model, therapy, basalGlucoseMgdl }: PatientProfile): number {
  // Steady-state insulin is proportional to the infusion: the need is Ib over the Ib of 1 pmol/kg/min.
  const needPmolPerKgPerMin = model.Ib / solveSteadyState(model, 1, basalGlucoseMgdl).Ib;
  return (therapy.basalUnitsPerMin * 6000) / model.BW / needPmolPerKgPerMin;
}

describe('basal doses', () => {
  it('sit near the need for people who manage well and fall short for those who struggle', () => {
    const byStruggle = [...adults].sort((a, b) => a.habits.controlStruggle - b.habits.controlStruggle);
    const best = quantile(byStruggle.slice(0, 30).map(doseOverNeed), 0.5);
    const worst = quantile(byStruggle.slice(-30).map(doseOverNeed), 0.5);
    // log-normal around −0.05 − 0.3·struggle², clipped: the best tenth (struggle ≲ 0.5) ~0.93, the worst (~0.97) ~0.70.
    assert.ok(best > 0.84 && best < 0.95, `best tenth median ${best.toFixed(3)}`);
    assert.ok(worst > 0.66 && worst < 0.78, `worst tenth median ${worst.toFixed(3)}`);
    const all = adults.map(doseOverNeed);
    assert.ok(Math.min(...all) >= Math.exp(-0.6) - 1e-9 && Math.max(...all) <= Math.exp(0.35) + 1e-9);
  });

  it('hold adults’ fasting glucose 37 mg/dL above the parameter set’s level, inside 100–280 mg/dL', () => {
    const levels = adults.map((p) => p.basalGlucoseMgdl);
    assert.ok(Math.min(...levels) >= 100 && Math.max(...levels) <= 280);
    const median = quantile(levelsAboveGb(adults), 0.5);
    assert.ok(median > 33 && median < 41, `median ${median.toFixed(1)} mg/dL above Gb`);
  });

  it('spread adults’ fasting levels as widely as T1D-UOM’s pre-breakfast glucose (SD 30 mg/dL), the young’s by 10', () => {
    const sd = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    };
    const adultSd = sd(levelsAboveGb(adults));
    assert.ok(adultSd > 26 && adultSd < 34, `adults' SD ${adultSd.toFixed(1)} mg/dL`);
    const children = Array.from({ length: 300 }, (_, index) => drawPatientProfile(SEED, index, singleMix('mdi', 'child')));
    const childSd = sd(levelsAboveGb(children));
    assert.ok(childSd > 8 && childSd < 12, `children's SD ${childSd.toFixed(1)} mg/dL`);
  });

  it("a pump's profile follows the dawn phenomenon only: the small hours get the daytime rate", () => {
    const rates = basalProfile(1, 0.2, 1);
    assert.equal(rates.length, 24);
    assert.equal(rates.indexOf(Math.max(...rates)), 5);
    // No dip in the small hours: midnight to 04:00 get at least the lowest daytime rate.
    assert.ok(Math.min(...rates.slice(0, 4)) >= Math.min(...rates.slice(10)), rates.join(' '));
  });
});

describe('snacks', () => {
  function snacksPerDay(profiles: PatientProfile[], days: number): number {
    let snacks = 0;
    for (const profile of profiles) {
      const { meals } = planSchedule(SEED, profile.patientIndex, profile.habits, days * 1440);
      for (let i = 0; i < meals.count; i++) snacks += meals.isSnack[i]!;
    }
    return snacks / (profiles.length * days);
  }

  it('adults have 2.4–2.9 a day besides their meals (NHANES: ~2.8 snack occasions a day)', () => {
    const rate = snacksPerDay(adults.slice(0, 150), 7);
    assert.ok(rate >= 2.4 && rate <= 2.9, `${rate.toFixed(2)} a day`);
  });

  it('children have over 2 a day (the 21:30 slot falls in some bedtimes)', () => {
    const children = Array.from({ length: 150 }, (_, index) => drawPatientProfile(SEED, index, singleMix('mdi', 'child')));
    const rate = snacksPerDay(children, 7);
    assert.ok(rate >= 2 && rate <= 2.9, `${rate.toFixed(2)} a day`);
  });
});
