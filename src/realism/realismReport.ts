import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readParquet, readSchema } from 'parquet-wasm/node';
import { FEATURE_NAMES, LABEL_NAMES, featureColumnName } from '../domain/features.ts';
import { SPLITS, type Split } from '../dataset/splits.ts';
import { cgmMetrics, type CgmMetrics } from '../dataset/cgmMetrics.ts';
import { AGE_GROUPS, THERAPIES, type AgeGroup, type Therapy } from '../domain/cohort.ts';
import { tableDirectory, timeseriesTable } from '../storage/layout.ts';
import { formatGroupRealism, judgeGroups, type GroupRealism, type PatientMetrics } from './groupBands.ts';
import { LABEL_PREVALENCE_BANDS, quantile, REALISM_BANDS } from './realismBands.ts';
import { formatSensorStudy, type SensorStudyReport } from './sensorStudy.ts';

export interface MetricRow {
  metric: string;
  label: string;
  p10: number;
  median: number;
  p90: number;
  /** null: reported, not held to a band for the whole cohort (the glucose outcomes are held per group). */
  band: [number, number] | null;
  ok: boolean;
  source: string;
}

/** Whole-cohort rows: every CGM metric, with a band where one applies to any mix. */
const COHORT_METRICS: { metric: keyof CgmMetrics; label: string }[] = [
  { metric: 'timeInRangePct', label: 'time in range 70–180 (%)' },
  { metric: 'timeBelow70Pct', label: 'time below 70 (%)' },
  { metric: 'timeBelow54Pct', label: 'time below 54 (%)' },
  { metric: 'timeAbove180Pct', label: 'time above 180 (%)' },
  { metric: 'cvPct', label: 'coefficient of variation (%)' },
  { metric: 'meanMgdl', label: 'mean glucose (mg/dL)' },
  { metric: 'gmiPct', label: 'GMI (%)' },
  { metric: 'hypoEpisodesPerWeek', label: 'hypo episodes <70 per week' },
  ...REALISM_BANDS.map(({ metric, label }) => ({ metric, label })),
];

export interface RealismReport {
  dataset: string;
  patients: number;
  windows: number;
  cohorts: Record<'all' | Split, { patients: number; metrics: MetricRow[] }>;
  /** CGM metrics per therapy × age group next to their real-world bands. */
  groups: GroupRealism;
  labelPrevalencePct: Record<Split | 'all', Record<string, { pct: number; positives: number; band: [number, number]; ok: boolean }>>;
  signalRanges: Record<string, { min: number; p1: number; median: number; p99: number; max: number }>;
  /** The CGM against the truth (datasets of schema ≥ 4). */
  cgm?: SensorStudyReport;
  allBandsHold: boolean;
}

/** Column names in a Parquet file's footer. */
function schemaNames(bytes: Uint8Array): string[] {
  return tableFromIPC(readSchema(bytes).intoIPCStream()).schema.fields.map((f) => f.name);
}

/** The chosen columns of a Parquet file as an Arrow table (parquet-wasm, then apache-arrow). */
function readColumns(bytes: Uint8Array, columns: string[]): Table {
  return tableFromIPC(readParquet(bytes, { columns }).intoIPCStream());
}

/** A float column with NaN where it is null (a --cgm-gaps dataset): toArray() alone gives whatever the buffer holds there. */
function floatsWithNaN(table: Table, name: string): Float64Array {
  const vector = table.getChild(name)!;
  const values = Float64Array.from(vector.toArray() as Float64Array);
  if (vector.nullCount === 0) return values;
  let row = 0;
  for (const data of vector.data) {
    const validity = data.nullBitmap;
    for (let i = 0; i < data.length; i++, row++) {
      const bit = data.offset + i;
      if (validity && validity.length > 0 && (validity[bit >> 3]! & (1 << (bit & 7))) === 0) values[row] = Number.NaN;
    }
  }
  return values;
}

/**
 * Computes the realism report of a committed dataset directory: per-patient CGM metrics from the
 * t0 glucose of consecutive windows (one window per minute), label prevalence per split, and the
 * range of every signal.
 */
export async function realismReport(datasetDir: string, cgm?: SensorStudyReport): Promise<RealismReport> {
  const groupOf = await readPatientGroups(datasetDir);
  const perPatient: PatientMetrics[] = [];
  const perSplit: Record<Split, CgmMetrics[]> = { train: [], val: [], test: [] };
  const noPositives = () => LABEL_NAMES.map(() => 0);
  const positives: Record<Split, number[]> = { train: noPositives(), val: noPositives(), test: noPositives() };
  const windows: Record<Split, number> = { train: 0, val: 0, test: 0 };
  const signalSamples: number[][] = FEATURE_NAMES.map(() => []);
  const signalMin = FEATURE_NAMES.map(() => Infinity);
  const signalMax = FEATURE_NAMES.map(() => -Infinity);
  const featureColumns = FEATURE_NAMES.map((f) => featureColumnName(0, f));

  for (const split of SPLITS) {
    const dir = join(datasetDir, tableDirectory(timeseriesTable(split)));
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /^part-.*\.parquet$/.test(f)).sort();
    for (const file of files) {
      const bytes = new Uint8Array(await readFile(join(dir, file)));
      const lagColumns = schemaNames(bytes).filter((name) => /^feature_t\d+_glucose_mgdl$/.test(name));
      const table = readColumns(bytes, ['patient_id', ...featureColumns, ...LABEL_NAMES, ...lagColumns.slice(1), 'target_glucose_mgdl']);
      const ids = table.getChild('patient_id')!.toArray() as string[];
      const glucose = floatsWithNaN(table, featureColumns[0]!);
      const lags = lagColumns.map((name) => floatsWithNaN(table, name));
      const target = floatsWithNaN(table, 'target_glucose_mgdl');
      windows[split] += table.numRows;
      LABEL_NAMES.forEach((label, l) => {
        const values = table.getChild(label)!.toArray() as Int32Array;
        let sum = 0;
        for (let i = 0; i < values.length; i++) sum += values[i]!;
        positives[split][l]! += sum;
      });
      featureColumns.forEach((column, f) => {
        const values = floatsWithNaN(table, column);
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!;
          if (v < signalMin[f]!) signalMin[f] = v;
          if (v > signalMax[f]!) signalMax[f] = v;
          if (i % 97 === 0 && !Number.isNaN(v)) signalSamples[f]!.push(v);
        }
      });
      // Rows are written patient by patient, minute by minute. The whole simulated series is the
      // first window's lags, every window's t0, and the last window's target.
      let start = 0;
      for (let i = 1; i <= ids.length; i++) {
        if (i === ids.length || ids[i] !== ids[start]) {
          const series = new Float64Array(lags.length + (i - start));
          for (let k = lags.length - 1; k >= 1; k--) series[lags.length - 1 - k] = lags[k]![start]!;
          series.set(glucose.subarray(start, i), lags.length - 1);
          series[series.length - 1] = target[i - 1]!;
          const metrics = cgmMetrics(series);
          perSplit[split].push(metrics);
          const group = groupOf.get(ids[start]!);
          if (group) perPatient.push({ ...group, metrics });
          start = i;
        }
      }
    }
  }

  const metricRows = (metrics: CgmMetrics[]): MetricRow[] =>
    COHORT_METRICS.map(({ metric, label }) => {
      const values = metrics.map((m) => m[metric]);
      const median = quantile(values, 0.5);
      const band = REALISM_BANDS.find((b) => b.metric === metric);
      return {
        metric,
        label,
        p10: quantile(values, 0.1),
        median,
        p90: quantile(values, 0.9),
        band: band ? [band.min, band.max] : null,
        ok: band ? median >= band.min && median <= band.max : true,
        source: band?.source ?? 'held per therapy × age group',
      };
    });
  const all = [...perSplit.train, ...perSplit.val, ...perSplit.test];
  const prevalence = (counts: number[], rows: number) =>
    Object.fromEntries(
      LABEL_NAMES.map((label, l) => {
        const pct = rows > 0 ? (100 * counts[l]!) / rows : 0;
        const band = LABEL_PREVALENCE_BANDS[label]!;
        return [label, { pct, positives: counts[l]!, band, ok: pct >= band[0] && pct <= band[1] }];
      }),
    );
  const allCounts = LABEL_NAMES.map((_, l) => positives.train[l]! + positives.val[l]! + positives.test[l]!);
  const totalWindows = windows.train + windows.val + windows.test;
  const report: RealismReport = {
    dataset: datasetDir,
    patients: all.length,
    windows: totalWindows,
    cohorts: {
      all: { patients: all.length, metrics: metricRows(all) },
      train: { patients: perSplit.train.length, metrics: metricRows(perSplit.train) },
      val: { patients: perSplit.val.length, metrics: metricRows(perSplit.val) },
      test: { patients: perSplit.test.length, metrics: metricRows(perSplit.test) },
    },
    groups: judgeGroups(perPatient),
    labelPrevalencePct: {
      all: prevalence(allCounts, totalWindows),
      train: prevalence(positives.train, windows.train),
      val: prevalence(positives.val, windows.val),
      test: prevalence(positives.test, windows.test),
    },
    signalRanges: Object.fromEntries(
      FEATURE_NAMES.map((name, f) => [
        name,
        {
          min: signalMin[f]!,
          p1: quantile(signalSamples[f]!, 0.01),
          median: quantile(signalSamples[f]!, 0.5),
          p99: quantile(signalSamples[f]!, 0.99),
          max: signalMax[f]!,
        },
      ]),
    ),
    ...(cgm && { cgm }),
    allBandsHold: false,
  };
  report.allBandsHold =
    (cgm?.allHold ?? true) &&
    report.cohorts.all.metrics.every((m) => m.ok) &&
    report.groups.allHold &&
    (['all', ...SPLITS] as const).every((s) => Object.values(report.labelPrevalencePct[s]).every((p) => p.ok));
  return report;
}

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/** The report as a terminal table. */
export function formatRealismReport(report: RealismReport): string {
  const lines: string[] = [];
  lines.push(`Realism report for ${report.dataset}: ${report.patients} patients, ${report.windows.toLocaleString('en-US')} windows`);
  lines.push('');
  lines.push('CGM metrics per patient, whole cohort (p10 / median / p90; a band holds the median, docs/PHYSIOLOGY.md)');
  lines.push(`  ${'metric'.padEnd(34)} ${'p10'.padStart(8)} ${'median'.padStart(8)} ${'p90'.padStart(8)}   band             ok`);
  for (const row of report.cohorts.all.metrics) {
    lines.push(
      `  ${row.label.padEnd(34)} ${fmt(row.p10).padStart(8)} ${fmt(row.median).padStart(8)} ` +
        `${fmt(row.p90).padStart(8)}   ` +
        `${(row.band ? `[${fmt(row.band[0])}, ${fmt(row.band[1])}]` : 'per group').padEnd(16)} ` +
        `${row.band ? (row.ok ? 'yes' : 'NO') : ''}`,
    );
  }
  lines.push('');
  lines.push(formatGroupRealism(report.groups));
  lines.push('');
  lines.push(
    'Medians per split: ' +
      SPLITS.map((s) => `${s} (${report.cohorts[s].patients} patients) TIR ${fmt(report.cohorts[s].metrics[0]!.median, 1)}%`).join(', '),
  );
  lines.push('');
  lines.push('Label prevalence, % of windows');
  lines.push(
    `  ${'label'.padEnd(32)} ${'all'.padStart(8)} ${'train'.padStart(8)} ${'val'.padStart(8)} ${'test'.padStart(8)}   band          ok`,
  );
  for (const label of LABEL_NAMES) {
    const cells = (['all', ...SPLITS] as const).map((s) => report.labelPrevalencePct[s][label]!);
    const ok = cells.every((c) => c.ok);
    lines.push(
      `  ${label.padEnd(32)} ${cells.map((c) => fmt(c.pct, 3).padStart(8)).join(' ')}   ` +
        `${`[${cells[0]!.band[0]}, ${cells[0]!.band[1]}]`.padEnd(13)} ${ok ? 'yes' : 'NO'}`,
    );
  }
  lines.push('');
  lines.push('Signal ranges (min / p1 / median / p99 / max)');
  for (const [name, r] of Object.entries(report.signalRanges)) {
    lines.push(`  ${name.padEnd(24)} ${[r.min, r.p1, r.median, r.p99, r.max].map((v) => fmt(v).padStart(9)).join(' ')}`);
  }
  if (report.cgm) lines.push('', formatSensorStudy(report.cgm));
  lines.push('');
  lines.push(report.allBandsHold ? 'All bands hold.' : 'Some bands do NOT hold (marked NO).');
  return lines.join('\n');
}

/** Each patient's therapy and age group, from the demographics table (datasets of schema ≥ 3). */
async function readPatientGroups(datasetDir: string): Promise<Map<string, { therapy: Therapy; ageGroup: AgeGroup }>> {
  const groups = new Map<string, { therapy: Therapy; ageGroup: AgeGroup }>();
  const dir = join(datasetDir, tableDirectory('patient_demographics'));
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /^part-.*\.parquet$/.test(f));
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(join(dir, file)));
    if (!schemaNames(bytes).includes('age_group')) continue;
    const table = readColumns(bytes, ['patient_id', 'therapy', 'age_group']);
    const ids = table.getChild('patient_id')!.toArray() as string[];
    const therapies = table.getChild('therapy')!.toArray() as string[];
    const ageGroups = table.getChild('age_group')!.toArray() as string[];
    ids.forEach((id, i) => {
      const therapy = therapies[i] as Therapy;
      const ageGroup = ageGroups[i] as AgeGroup;
      if (THERAPIES.includes(therapy) && AGE_GROUPS.includes(ageGroup)) groups.set(id, { therapy, ageGroup });
    });
  }
  return groups;
}
