// A published UVA/Padova parameter set (simglucose's table) as the bare model takes it: parameters,
// its fasting state sized to the model's state vector, and its basal infusion.
import { loadVirtualPatients } from '../../src/cohort/uvaPadovaParameters.ts';
import { STATE_SIZE, type GlucoseInsulinParameters } from '../../src/physiology/glucoseInsulin.ts';

export interface PublishedPatient {
  name: string;
  p: GlucoseInsulinParameters;
  x0: Float64Array;
  basalPmolPerKgPerMin: number;
}

/** The set at `index` of the published table (its order: adolescents 0–9, adults 10–19, children 20–29). */
export function publishedPatient(index: number): PublishedPatient {
  const v = loadVirtualPatients()[index]!;
  const x0 = new Float64Array(STATE_SIZE);
  v.x0.forEach((value, i) => (x0[i] = value));
  return { name: v.name, p: { ...v, restingHeartRateBpm: 65 }, x0, basalPmolPerKgPerMin: v.u2ss };
}

/** Every published set of an age group (`adult`, `adolescent`, `child`). */
export const publishedPatientsOf = (group: string): PublishedPatient[] =>
  loadVirtualPatients().flatMap((v, index) => (v.name.startsWith(`${group}#`) ? [publishedPatient(index)] : []));
