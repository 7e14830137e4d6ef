// Realism per therapy × age group: the cohort medians of per-patient CGM metrics in each cell,
// held to published real-world bands (docs/PHYSIOLOGY.md "Realism by therapy and age group").
import { AGE_GROUPS, THERAPIES, type AgeGroup, type Therapy } from '../domain/cohort.ts';
import type { CgmMetrics } from '../dataset/cgmMetrics.ts';
import { quantile } from './realismBands.ts';

/** Below this many patients a cell's median is one seed's luck: reported, not judged. */
export const MIN_PATIENTS_PER_CELL = 100;

/** The metrics reported per cell, in table order. */
export const GROUP_METRICS = [
  'timeInRangePct',
  'timeBelow70Pct',
  'timeBelow54Pct',
  'timeAbove180Pct',
  'cvPct',
  'meanMgdl',
  'hypoEpisodesPerWeek',
] as const;
export type GroupMetric = (typeof GROUP_METRICS)[number];

export interface GroupBand {
  therapies: readonly Therapy[];
  ageGroup: AgeGroup;
  metric: GroupMetric;
  min: number;
  max: number;
  source: string;
}

const STANDARD: readonly Therapy[] = ['mdi', 'pump'];

export const GROUP_BANDS: GroupBand[] = [
  // Adults on a closed loop: real-world Control-IQ (Breton & Kovatchev 2021, n = 9,451: TIR 73.6 %),
  // Omnipod 5 (n = 69,902) and MiniMed 780G (n = 101,629) users; CREATE 2022 (open-source AID) 71.2 %.
  {
    therapies: ['aid'],
    ageGroup: 'adult',
    metric: 'timeInRangePct',
    min: 68,
    max: 80,
    source: 'Control-IQ, Omnipod 5, 780G real world; CREATE 2022',
  },
  { therapies: ['aid'], ageGroup: 'adult', metric: 'timeBelow70Pct', min: 0, max: 2.5, source: 'AID real world: TBR70 ~1–2.5 %' },
  { therapies: ['aid'], ageGroup: 'adult', metric: 'timeBelow54Pct', min: 0, max: 0.6, source: 'AID real world: TBR54 ≤ ~0.6 %' },
  // Adults on injections or a pump without automation: DPV adults 49–54 %, Steno 2023 MDI 54 % /
  // pump 55 % / SAP 63 %, DCLP3 control arm 59 % (Brown et al., NEJM 2019), Omnipod 5 pivotal
  // baseline 64.7 % (Brown et al., Diabetes Care 2021).
  {
    therapies: STANDARD,
    ageGroup: 'adult',
    metric: 'timeInRangePct',
    min: 50,
    max: 68,
    source: 'DPV; Steno 2023; DCLP3 and Omnipod 5 baselines',
  },
  { therapies: STANDARD, ageGroup: 'adult', metric: 'timeBelow70Pct', min: 1, max: 7, source: 'DPV adults 5–7 %; 670G 2.2 %' },
  { therapies: STANDARD, ageGroup: 'adult', metric: 'timeBelow54Pct', min: 0, max: 2, source: 'registry 1.9 %' },
  { therapies: STANDARD, ageGroup: 'adult', metric: 'timeAbove180Pct', min: 25, max: 45, source: 'DPV 38–46 %; 670G 27.5 %' },
  { therapies: STANDARD, ageGroup: 'adult', metric: 'meanMgdl', min: 150, max: 180, source: 'Bergenstal 2018' },
  // Children (6–13) on a closed loop: Omnipod 5 pivotal 68.0 % (Brown et al., Diabetes Care 2021),
  // Control-IQ in the iDCL paediatric trial 67 % (Breton et al., NEJM 2020).
  { therapies: ['aid'], ageGroup: 'child', metric: 'timeInRangePct', min: 60, max: 72, source: 'Omnipod 5 pivotal (children); iDCL 2020' },
  {
    therapies: ['aid'],
    ageGroup: 'child',
    metric: 'timeBelow70Pct',
    min: 0,
    max: 3,
    source: 'Omnipod 5 and iDCL children: TBR70 ~1.5–2.5 %',
  },
  // Children on standard therapy: Omnipod 5 pivotal baseline 52.5 %, iDCL control arm 55 %; registries lower.
  {
    therapies: STANDARD,
    ageGroup: 'child',
    metric: 'timeInRangePct',
    min: 40,
    max: 60,
    source: 'Omnipod 5 pivotal and iDCL baselines (children)',
  },
];

export interface CellReport {
  therapy: Therapy;
  ageGroup: AgeGroup;
  patients: number;
  /** False when the cell has fewer than MIN_PATIENTS_PER_CELL patients: reported, not judged. */
  judged: boolean;
  medians: Record<GroupMetric, number>;
  checks: { metric: GroupMetric; min: number; max: number; median: number; ok: boolean; source: string }[];
}

export interface VariabilityCheck {
  therapy: Therapy;
  ageGroup: Exclude<AgeGroup, 'adult'>;
  cvPct: number;
  adultCvPct: number;
  ok: boolean;
}

export interface GroupRealism {
  cells: CellReport[];
  /** Children and adolescents more variable (higher median CV) than adults on the same therapy. */
  variability: VariabilityCheck[];
  allHold: boolean;
}

export interface PatientMetrics {
  therapy: Therapy;
  ageGroup: AgeGroup;
  metrics: CgmMetrics;
}

/** Medians per therapy × age group and their verdicts; cells too small to judge are left out of the verdict. */
export function judgeGroups(patients: PatientMetrics[]): GroupRealism {
  const cells: CellReport[] = [];
  for (const ageGroup of AGE_GROUPS) {
    for (const therapy of THERAPIES) {
      const members = patients.filter((p) => p.therapy === therapy && p.ageGroup === ageGroup);
      if (members.length === 0) continue;
      const medians = Object.fromEntries(
        GROUP_METRICS.map((metric) => [
          metric,
          quantile(
            members.map((p) => p.metrics[metric]),
            0.5,
          ),
        ]),
      ) as Record<GroupMetric, number>;
      const judged = members.length >= MIN_PATIENTS_PER_CELL;
      const checks = GROUP_BANDS.filter((band) => band.ageGroup === ageGroup && band.therapies.includes(therapy)).map((band) => ({
        metric: band.metric,
        min: band.min,
        max: band.max,
        median: medians[band.metric],
        ok: medians[band.metric] >= band.min && medians[band.metric] <= band.max,
        source: band.source,
      }));
      cells.push({ therapy, ageGroup, patients: members.length, judged, medians, checks });
    }
  }
  const variability: VariabilityCheck[] = [];
  for (const cell of cells) {
    if (cell.ageGroup === 'adult' || !cell.judged) continue;
    const adults = cells.find((c) => c.ageGroup === 'adult' && c.therapy === cell.therapy && c.judged);
    if (!adults) continue;
    variability.push({
      therapy: cell.therapy,
      ageGroup: cell.ageGroup,
      cvPct: cell.medians.cvPct,
      adultCvPct: adults.medians.cvPct,
      ok: cell.medians.cvPct > adults.medians.cvPct,
    });
  }
  const allHold = cells.every((cell) => !cell.judged || cell.checks.every((check) => check.ok)) && variability.every((check) => check.ok);
  return { cells, variability, allHold };
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const HEADINGS: Record<GroupMetric, string> = {
  timeInRangePct: 'TIR',
  timeBelow70Pct: 'TBR70',
  timeBelow54Pct: 'TBR54',
  timeAbove180Pct: 'TAR180',
  cvPct: 'CV',
  meanMgdl: 'mean',
  hypoEpisodesPerWeek: 'hypos/wk',
};

/** The per-group table: medians, and each band as `median [min–max] ok`. */
export function formatGroupRealism(groups: GroupRealism): string {
  const lines: string[] = [];
  lines.push(
    `CGM metrics by therapy × age group (cohort medians; a cell is judged from ${MIN_PATIENTS_PER_CELL} patients, docs/PHYSIOLOGY.md)`,
  );
  lines.push(`  ${'group'.padEnd(18)} ${'patients'.padStart(8)} ${GROUP_METRICS.map((m) => HEADINGS[m].padStart(8)).join(' ')}   verdict`);
  for (const cell of groups.cells) {
    const verdict = !cell.judged
      ? 'too small to judge'
      : cell.checks.length === 0
        ? 'no band'
        : cell.checks.map((c) => `${HEADINGS[c.metric]} [${c.min}–${c.max}] ${c.ok ? 'ok' : 'NO'}`).join(', ');
    lines.push(
      `  ${`${cell.therapy} ${cell.ageGroup}`.padEnd(18)} ${String(cell.patients).padStart(8)} ` +
        `${GROUP_METRICS.map((m) => fmt(cell.medians[m]).padStart(8)).join(' ')}   ${verdict}`,
    );
  }
  for (const check of groups.variability) {
    lines.push(
      `  CV ${check.ageGroup} on ${check.therapy} ${fmt(check.cvPct)} % > adults ${fmt(check.adultCvPct)} %: ${check.ok ? 'ok' : 'NO'}`,
    );
  }
  return lines.join('\n');
}
