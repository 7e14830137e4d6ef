import { S, STATE_SIZE, type GlucoseInsulinParameters } from './glucoseInsulin.ts';

/**
 * Solves the UVA/Padova fasting steady state for a basal infusion u2ss (pmol/kg/min) and a basal
 * plasma glucose Gb (mg/dL), and returns the consistent Ib and kp1 with the initial state. This is
 * how perturbed patients stay physiologically consistent: basal insulin fixes the insulin
 * compartments, Gb fixes Gp and (through utilisation) Gt, and kp1 is chosen so that endogenous
 * production balances utilisation, as in the original parameter derivation (kp1 = EGPb + kp2·Gpb + kp3·Ib).
 */
export function solveSteadyState(
  p: Omit<GlucoseInsulinParameters, 'Ib' | 'kp1'>,
  u2ssPmolPerKgPerMin: number,
  basalGlucoseMgdl: number,
): { Ib: number; kp1: number; state: Float64Array } {
  const Isc1 = u2ssPmolPerKgPerMin / (p.ka1 + p.kd);
  const Isc2 = (p.kd * Isc1) / p.ka2;
  const Ip = (p.ka1 * Isc1 + p.ka2 * Isc2) / (p.m2 + p.m4 - (p.m1 * p.m2) / (p.m1 + p.m30));
  const Il = (p.m2 * Ip) / (p.m1 + p.m30);
  const Ib = Ip / p.Vi;

  const Gp = basalGlucoseMgdl * p.Vg;
  // Vm0·Gt/(Km0+Gt) = k1·Gp − k2·Gt  ⇒  k2·Gt² + (k2·Km0 + Vm0 − k1·Gp)·Gt − k1·Gp·Km0 = 0
  const qa = p.k2;
  const qb = p.k2 * p.Km0 + p.Vm0 - p.k1 * Gp;
  const qc = -p.k1 * Gp * p.Km0;
  const Gt = (-qb + Math.sqrt(qb * qb - 4 * qa * qc)) / (2 * qa);
  const renal = Gp > p.ke2 ? p.ke1 * (Gp - p.ke2) : 0;
  const EGPb = p.Fsnc + renal + p.k1 * Gp - p.k2 * Gt;
  const kp1 = EGPb + p.kp2 * Gp + p.kp3 * Ib;

  const state = new Float64Array(STATE_SIZE);
  state[S.Gp] = Gp;
  state[S.Gt] = Gt;
  state[S.Ip] = Ip;
  state[S.X] = 0;
  state[S.I1] = Ib;
  state[S.Id] = Ib;
  state[S.Il] = Il;
  state[S.Isc1] = Isc1;
  state[S.Isc2] = Isc2;
  state[S.Gs] = Gp;
  return { Ib, kp1, state };
}
