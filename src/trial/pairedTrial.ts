// A paired in-silico trial: the same patients live the same days under each therapy arm (their
// meals, activity, sleep and sensor error do not depend on the therapy), and the arms are compared
// by paired differences of CGM outcomes with 95 % confidence intervals.
import { drawPatientProfile } from '../cohort/patientProfile.ts';
import { singleMix, type AgeGroup, type AgeMix, type Therapy } from '../domain/cohort.ts';
import { F } from '../domain/features.ts';
import { cgmMetrics, type CgmMetrics } from '../dataset/cgmMetrics.ts';
import { simulatePatient } from '../simulation/simulatePatient.ts';

export interface TrialOptions {
  patients: number;
  arms: Therapy[];
  ageMix: AgeMix;
  days: number;
  seed: number;
}

/** Outcomes as trial.json names them (percent points, mg/dL), mapped to the per-patient metrics. */
export const OUTCOMES = {
  tir: 'timeInRangePct',
  tbr70: 'timeBelow70Pct',
  tbr54: 'timeBelow54Pct',
  tar180: 'timeAbove180Pct',
  meanMgdl: 'meanMgdl',
  cvPct: 'cvPct',
} as const satisfies Record<string, keyof CgmMetrics>;
export type Outcome = keyof typeof OUTCOMES;
const OUTCOME_NAMES = Object.keys(OUTCOMES) as Outcome[];

export type ArmSummary = { arm: Therapy } & Record<Outcome, number>;
export interface Difference {
  metric: Outcome;
  arm: Therapy;
  baseline: Therapy;
  mean: number;
  ci95: [number, number];
}

export interface GroupResult {
  patients: number;
  perArm: ArmSummary[];
  differences: Difference[];
}

export interface PublishedEffect {
  comparison: string;
  ageGroup: AgeGroup;
  arm: Therapy;
  baseline: Therapy;
  /** Published ΔTIR (percent points) and where it comes from. */
  publishedTirDelta: number;
  source: string;
}

/** RCTs with the same comparator (docs/PHYSIOLOGY.md "Paired trial"). */
export const PUBLISHED_EFFECTS: PublishedEffect[] = [
  {
    comparison: 'open-source AID vs sensor-augmented pump',
    ageGroup: 'adult',
    arm: 'aid',
    baseline: 'pump',
    publishedTirDelta: 71.2 - 54.5,
    source: 'CREATE, NEJM 2022: 71.2 vs 54.5 %',
  },
  {
    comparison: 'Control-IQ vs sensor-augmented pump',
    ageGroup: 'adult',
    arm: 'aid',
    baseline: 'pump',
    publishedTirDelta: 71 - 59,
    source: 'DCLP3, NEJM 2019: 71 vs 59 %',
  },
  {
    comparison: 'Omnipod 5 vs standard therapy (adults)',
    ageGroup: 'adult',
    arm: 'aid',
    baseline: 'mdi',
    publishedTirDelta: 73.9 - 64.7,
    source: 'Omnipod 5 pivotal, Diabetes Care 2021: 64.7 → 73.9 %',
  },
  {
    comparison: 'Omnipod 5 vs standard therapy (children)',
    ageGroup: 'child',
    arm: 'aid',
    baseline: 'mdi',
    publishedTirDelta: 68.0 - 52.5,
    source: 'Omnipod 5 pivotal, Diabetes Care 2021: 52.5 → 68.0 %',
  },
];

/**
 * The bands a simulated effect must fall in (wide on purpose: a different cohort, not a fit to
 * one trial): ΔTIR per comparison and age group, and no more than +0.5 points of TBR70 anywhere.
 */
export const EFFECT_BANDS: { ageGroup: AgeGroup; arm: Therapy; baseline: Therapy; min: number; max: number }[] = [
  { ageGroup: 'adult', arm: 'aid', baseline: 'mdi', min: 6, max: 20 },
  { ageGroup: 'adult', arm: 'aid', baseline: 'pump', min: 5, max: 20 },
  { ageGroup: 'child', arm: 'aid', baseline: 'mdi', min: 8, max: 22 },
];
export const MAX_TBR70_INCREASE = 0.5;

export interface EffectCheck {
  ageGroup: AgeGroup;
  metric: Outcome;
  arm: Therapy;
  baseline: Therapy;
  mean: number;
  /** null: no lower bound. */
  min: number | null;
  max: number;
  ok: boolean;
}

export interface TrialResult {
  patients: number;
  arms: Therapy[];
  ageMix: AgeMix;
  days: number;
  seed: number;
  perArm: ArmSummary[];
  differences: Difference[];
  /** The same, within each age group present. */
  byAgeGroup: Partial<Record<AgeGroup, GroupResult>>;
  published: PublishedEffect[];
  checks: EffectCheck[];
  patientIds: string[];
}

/** Two-sided 95 % quantiles of Student's t for 1–30 degrees of freedom; beyond, the normal's 1.96 corrected. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export function tQuantile975(degreesOfFreedom: number): number {
  if (degreesOfFreedom <= T_975.length) return T_975[Math.max(1, degreesOfFreedom) - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * degreesOfFreedom) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * degreesOfFreedom ** 2);
}

/** Mean of paired differences with its t-based 95 % interval. */
export function pairedDifference(differences: ArrayLike<number>): { mean: number; ci95: [number, number] } {
  const n = differences.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += differences[i]!;
  const mean = sum / n;
  if (n < 2) return { mean, ci95: [NaN, NaN] };
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (differences[i]! - mean) ** 2;
  const halfWidth = tQuantile975(n - 1) * Math.sqrt(squares / (n - 1) / n);
  return { mean, ci95: [mean - halfWidth, mean + halfWidth] };
}

function summarise(arms: Therapy[], outcomes: Record<Outcome, Float64Array>[], members: number[]): GroupResult {
  const perArm = arms.map((arm, a) => {
    const summary = { arm } as ArmSummary;
    for (const name of OUTCOME_NAMES) summary[name] = members.reduce((total, i) => total + outcomes[a]![name][i]!, 0) / members.length;
    return summary;
  });
  const differences: Difference[] = [];
  for (let a = 1; a < arms.length; a++) {
    for (const name of OUTCOME_NAMES) {
      const paired = members.map((i) => outcomes[a]![name][i]! - outcomes[0]![name][i]!);
      differences.push({ metric: name, arm: arms[a]!, baseline: arms[0]!, ...pairedDifference(paired) });
    }
  }
  return { patients: members.length, perArm, differences };
}

/** Runs the trial in this process: patients × arms simulations of `days` days each. */
export function runPairedTrial(options: TrialOptions, onPatient?: (done: number) => void): TrialResult {
  const { patients, arms, ageMix, days, seed } = options;
  const minutes = Math.round(days * 1440);
  // The person does not depend on the therapy mix; the first arm names the profile's own therapy.
  const { therapyMix } = singleMix(arms[0]!, 'adult');
  const outcomes = arms.map(
    () => Object.fromEntries(OUTCOME_NAMES.map((name) => [name, new Float64Array(patients)])) as Record<Outcome, Float64Array>,
  );
  const ageGroups: AgeGroup[] = [];
  const patientIds: string[] = [];
  for (let index = 0; index < patients; index++) {
    const profile = drawPatientProfile(seed, index, { therapyMix, ageMix });
    ageGroups.push(profile.ageGroup);
    patientIds.push(profile.patientId);
    arms.forEach((arm, a) => {
      const metrics = cgmMetrics(simulatePatient(seed, profile, minutes, { therapy: arm }).signals[F.glucose_mgdl]!);
      for (const name of OUTCOME_NAMES) outcomes[a]![name][index] = metrics[OUTCOMES[name]];
    });
    onPatient?.(index + 1);
  }
  const everyone = Array.from({ length: patients }, (_, i) => i);
  const overall = summarise(arms, outcomes, everyone);
  const byAgeGroup: TrialResult['byAgeGroup'] = {};
  for (const group of ['child', 'adolescent', 'adult'] as const) {
    const members = everyone.filter((i) => ageGroups[i] === group);
    if (members.length > 0) byAgeGroup[group] = summarise(arms, outcomes, members);
  }
  return {
    patients,
    arms,
    ageMix,
    days,
    seed,
    perArm: overall.perArm,
    differences: overall.differences,
    byAgeGroup,
    published: PUBLISHED_EFFECTS.filter(
      (effect) => arms[0] === effect.baseline && arms.includes(effect.arm) && byAgeGroup[effect.ageGroup] !== undefined,
    ),
    checks: effectChecks(byAgeGroup),
    patientIds,
  };
}

/** The bands that apply to this trial's arms and age groups. */
function effectChecks(byAgeGroup: TrialResult['byAgeGroup']): EffectCheck[] {
  const checks: EffectCheck[] = [];
  for (const [group, result] of Object.entries(byAgeGroup) as [AgeGroup, GroupResult][]) {
    for (const difference of result.differences) {
      if (difference.metric === 'tir') {
        const band = EFFECT_BANDS.find((b) => b.ageGroup === group && b.arm === difference.arm && b.baseline === difference.baseline);
        if (band)
          checks.push({
            ageGroup: group,
            metric: 'tir',
            arm: difference.arm,
            baseline: difference.baseline,
            mean: difference.mean,
            min: band.min,
            max: band.max,
            ok: difference.mean >= band.min && difference.mean <= band.max,
          });
      }
      if (difference.metric === 'tbr70' && difference.arm === 'aid') {
        checks.push({
          ageGroup: group,
          metric: 'tbr70',
          arm: difference.arm,
          baseline: difference.baseline,
          mean: difference.mean,
          min: null,
          max: MAX_TBR70_INCREASE,
          ok: difference.mean <= MAX_TBR70_INCREASE,
        });
      }
    }
  }
  return checks;
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const signed = (value: number) => (value >= 0 ? '+' : '') + fmt(value);

/** The trial as a terminal report. */
export function formatTrial(result: TrialResult): string {
  const lines: string[] = [];
  lines.push(
    `Paired in-silico trial: ${result.patients} patients × ${result.days} days under ` +
      `${result.arms.join(', ')} (seed ${result.seed}); the same people and days in every arm`,
  );
  const byGroup = Object.entries(result.byAgeGroup);
  const overall: [string, GroupResult] = ['all', { patients: result.patients, perArm: result.perArm, differences: result.differences }];
  // One age group: its rows are the whole trial's.
  const groups = byGroup.length === 1 ? byGroup : [overall, ...byGroup];
  for (const [group, outcome] of groups) {
    lines.push('');
    lines.push(`${group} (${outcome.patients} patients): mean per arm`);
    lines.push(`  ${'arm'.padEnd(6)} ${OUTCOME_NAMES.map((n) => n.padStart(9)).join(' ')}`);
    for (const arm of outcome.perArm) lines.push(`  ${arm.arm.padEnd(6)} ${OUTCOME_NAMES.map((n) => fmt(arm[n]).padStart(9)).join(' ')}`);
    for (const difference of outcome.differences) {
      lines.push(
        `  Δ${difference.metric} ${difference.arm} − ${difference.baseline}: ${signed(difference.mean)} (95 % ` +
          `CI ${fmt(difference.ci95[0])} to ${fmt(difference.ci95[1])})`,
      );
    }
  }
  if (result.published.length > 0) {
    lines.push('');
    lines.push('Next to randomised trials with the same comparator (ΔTIR, percent points):');
    for (const effect of result.published) {
      const simulated = result.byAgeGroup[effect.ageGroup]?.differences.find(
        (d) => d.metric === 'tir' && d.arm === effect.arm && d.baseline === effect.baseline,
      );
      lines.push(
        `  ${effect.ageGroup.padEnd(10)} ${`${effect.arm} − ${effect.baseline}`.padEnd(11)} simulated ` +
          (`${simulated ? `${signed(simulated.mean)} (${fmt(simulated.ci95[0])} to ${fmt(simulated.ci95[1])})` : '—'} ` +
            `  published ${signed(effect.publishedTirDelta)} (${effect.source})`),
      );
    }
  }
  if (result.checks.length > 0) {
    lines.push('');
    lines.push('Effect bands:');
    for (const check of result.checks) {
      const band = check.min === null ? `≤ +${check.max}` : `in [+${check.min}, +${check.max}]`;
      lines.push(
        `  ${check.ageGroup.padEnd(10)} Δ${check.metric} ${check.arm} − ${check.baseline} ${signed(check.mean)} ${band}: ${check.ok ? 'ok' : 'NO'}`,
      );
    }
  }
  return lines.join('\n');
}
