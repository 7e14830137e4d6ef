// The delay between plasma and interstitial glucose, which every CGM reads through: 5.3–6.2 min
// measured with tracers (Basu et al., Diabetes 2013), where the parameter sets' own exchange rate
// gives about 11 min (src/cohort/patientProfile.ts, INTERSTITIAL_EXCHANGE_SCALE).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawPatientProfile, type PatientProfile } from '../../src/cohort/patientProfile.ts';
import { loadVirtualPatients } from '../../src/cohort/uvaPadovaParameters.ts';
import { singleMix } from '../../src/domain/cohort.ts';
import { Rk4Integrator, S, interstitialGlucoseMgdl, plasmaGlucoseMgdl, restingInputs } from '../../src/physiology/glucoseInsulin.ts';
import { quantile } from '../../src/realism/realismBands.ts';

const adults = Array.from({ length: 300 }, (_, index) => drawPatientProfile(42, index, singleMix('pump', 'adult')));
const setKsc = new Map(loadVirtualPatients().map((set) => [set.name, set.ksc]));

/** Minutes until interstitial glucose has closed 63 % of a sudden 60 mg/dL rise in plasma glucose. */
function minutesToFollow(profile: PatientProfile): number {
  const state = Float64Array.from(profile.initialState);
  const before = interstitialGlucoseMgdl(state, profile.model);
  state[S.Gp] = state[S.Gp]! + 60 * profile.model.Vg;
  const integrator = new Rk4Integrator();
  const basal = restingInputs((profile.therapy.basalUnitsPerMin * 6000) / profile.model.BW);
  for (let tenths = 1; tenths <= 600; tenths++) {
    integrator.step(state, profile.model, basal, 0.1, 1);
    const gap = plasmaGlucoseMgdl(state, profile.model) - before;
    if (interstitialGlucoseMgdl(state, profile.model) - before >= 0.63 * gap) return tenths / 10;
  }
  return Number.POSITIVE_INFINITY;
}

describe('interstitial delay', () => {
  it("puts adults' median plasma-to-interstitium time constant at the tracer-measured 5–6 min", () => {
    const constants = adults.map((p) => 1 / p.model.ksc);
    const median = quantile(constants, 0.5);
    assert.ok(median >= 5.3 && median <= 6.5, `median ${median.toFixed(2)} min`);
    // Each person keeps their set's place in the spread: 1.8 times the set's rate, ± the 10 % jitter.
    for (const p of adults) {
      const ratio = p.model.ksc / setKsc.get(p.baseParameterSet)!;
      assert.ok(ratio > 1.8 * Math.exp(-0.5) && ratio < 1.8 * Math.exp(0.5), `${p.patientId}: ${ratio.toFixed(2)}`);
    }
  });

  it('lets the CGM follow a sudden rise in plasma glucose within about 6 minutes in the median adult', () => {
    const byDelay = [...adults].sort((a, b) => b.model.ksc - a.model.ksc);
    const median = byDelay[Math.floor(byDelay.length / 2)]!;
    const minutes = minutesToFollow(median);
    assert.ok(minutes >= 4.5 && minutes <= 7.5, `${minutes} min`);
    // The parameter set's own exchange rate takes nearly twice as long.
    const asTheSet = minutesToFollow({ ...median, model: { ...median.model, ksc: setKsc.get(median.baseParameterSet)! } });
    assert.ok(asTheSet >= 1.6 * minutes, `${asTheSet} min`);
  });
});
