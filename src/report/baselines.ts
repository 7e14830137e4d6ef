// The "Baselines" section of the dataset card and the report, from evaluation.json
// (written by `npm run evaluate`, src/evaluation/baselines.py).
import type { Manifest } from '../storage/manifest.ts';

export const EVALUATION_MODELS = ['persistence', 'trend', 'ridge', 'gbt'] as const;

export interface EvaluationResult {
  task: 'glucose' | 'hypoglycemia_within' | 'hyperglycemia_within' | 'hypoglycemia_risk';
  target: string;
  horizonMinutes: number;
  model: (typeof EVALUATION_MODELS)[number];
  rmse?: number;
  mae?: number;
  mard?: number;
  clarkeA?: number;
  clarkeAB?: number;
  auroc?: number | null;
  aurocNotYetBeyond?: number | null;
  auprc?: number | null;
  windowSensitivity?: number;
  windowPrecision?: number | null;
  episodes?: number;
  eventSensitivity?: number | null;
  falseAlarmsPerPatientDay?: number | null;
  /** Set on the rows scored on one therapy's or one age group's test windows (`npm run evaluate` prints them too). */
  subgroup?: Record<string, string>;
}

export interface Evaluation {
  dataset: { lastRunId: string; committedRuns: number; patients: number };
  trainRowsUsed: number;
  testRows: number;
  testPatientDays: number;
  results: EvaluationResult[];
}

/** Parses evaluation.json; undefined when absent or unreadable (the card then has no section). */
export function parseEvaluation(text: string | undefined): Evaluation | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Evaluation;
    return Array.isArray(parsed.results) && parsed.dataset ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The evaluation describes an earlier state of the dataset when runs were committed since. */
export function evaluationIsStale(evaluation: Evaluation, manifest: Manifest): boolean {
  const last = manifest.runs[manifest.runs.length - 1];
  return evaluation.dataset.lastRunId !== last?.runId || evaluation.dataset.patients !== manifest.totals.patient_demographics.rows;
}

const number = (value: number | null | undefined, digits: number) => (value === null || value === undefined ? '—' : value.toFixed(digits));

export interface BaselineTables {
  intro: string;
  staleNote?: string;
  glucoseHeader: string[];
  glucoseRows: string[][];
  labelHeader: string[];
  labelRows: string[][];
  /** RMSE by horizon per model, for the chart. */
  rmseByHorizon: { horizons: number[]; series: { model: string; rmse: number[] }[] };
}

/** The section's content, shared by the markdown card and the HTML report. */
export function baselineTables(evaluation: Evaluation, manifest: Manifest): BaselineTables {
  const whole = evaluation.results.filter((r) => !r.subgroup);
  const glucose = whole.filter((r) => r.task === 'glucose');
  const labels = whole.filter((r) => r.task !== 'glucose');
  const horizons = [...new Set(glucose.map((r) => r.horizonMinutes))].sort((a, b) => a - b);
  return {
    intro:
      `Test split, ${evaluation.testRows.toLocaleString('en-US')} windows ` +
      `(${evaluation.testPatientDays.toFixed(1)} patient-days); models trained on ` +
      `${evaluation.trainRowsUsed.toLocaleString('en-US')} train rows, thresholds and early stopping on ` +
      `val. "AUROC not yet beyond": over windows whose CGM is not yet below 70 / above 250 at t0 (early ` +
      `warning proper). Event sensitivity: share of sustained episodes with an alarm in the h minutes ` +
      `before onset. Reproduce with \`npm run evaluate -- --in DIR\`; definitions in evaluation.json.`,
    staleNote: evaluationIsStale(evaluation, manifest)
      ? `Stale: computed when the dataset had ${evaluation.dataset.patients} patients in ` +
        `${evaluation.dataset.committedRuns} run(s); it has ${manifest.totals.patient_demographics.rows} in ` +
        `${manifest.runs.length} now. Run \`npm run evaluate\` again.`
      : undefined,
    glucoseHeader: ['target', 'h (min)', 'model', 'RMSE', 'MAE', 'MARD %', 'Clarke A %', 'Clarke A+B %'],
    glucoseRows: glucose.map((r) => [
      r.target,
      String(r.horizonMinutes),
      r.model,
      number(r.rmse, 2),
      number(r.mae, 2),
      number(r.mard, 2),
      number(r.clarkeA, 1),
      number(r.clarkeAB, 1),
    ]),
    labelHeader: [
      'label',
      'h (min)',
      'model',
      'AUROC',
      'AUROC not yet beyond',
      'AUPRC',
      'window sens.',
      'window prec.',
      'episodes',
      'event sens.',
      'false alarms / patient-day',
    ],
    labelRows: labels.map((r) => [
      r.target,
      String(r.horizonMinutes),
      r.model,
      number(r.auroc, 3),
      number(r.aurocNotYetBeyond, 3),
      number(r.auprc, 3),
      number(r.windowSensitivity, 2),
      number(r.windowPrecision, 2),
      r.episodes === undefined ? '—' : String(r.episodes),
      number(r.eventSensitivity, 2),
      number(r.falseAlarmsPerPatientDay, 2),
    ]),
    rmseByHorizon: {
      horizons,
      series: EVALUATION_MODELS.map((model) => ({
        model,
        rmse: horizons.map((h) => glucose.find((r) => r.model === model && r.horizonMinutes === h)?.rmse ?? NaN),
      })),
    },
  };
}

/** A markdown table. */
export function markdownTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}
