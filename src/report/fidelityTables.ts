// The "Against real people" section of the dataset card and the report, from fidelity.json
// (written by `npm run fidelity`, src/fidelity/). Also the CLI's table.
import type { FidelityReport, MetricComparison } from '../fidelity/runFidelity.ts';
import type { Manifest } from '../storage/manifest.ts';

/** The sets the readers know, as their authors ask to be cited. */
export const REAL_SET_CITATIONS: Record<string, string> = {
  't1d-uom': 'T1D-UOM: Alsuhaymi et al., Sci Data 12:1379 (2025), doi:10.5281/zenodo.15806142, CC BY 4.0',
  'hupa-ucm': 'HUPA-UCM: Hidalgo et al., Data in Brief 55:110559 (2024), doi:10.17632/3hbcscwz44.1, CC BY 4.0',
  ohiot1dm: 'OhioT1DM: Marling & Bunescu, CEUR Workshop Proc. 2675 (2020), under its data-use agreement',
  csv: 'a CSV set given by path (cite its authors)',
};

/** The figures shown, in order, with their labels and units. */
export const FIDELITY_ROWS: [keyof FidelityReport['metrics'], string][] = [
  ['sd5', 'SD of the 5-min change, mg/dL'],
  ['acf30', 'autocorrelation at 30 min'],
  ['acf60', 'autocorrelation at 60 min'],
  ['tir', 'time in range, %'],
  ['tbr70', 'time below 70 (3.9), %'],
  ['tbr54', 'time below 54 (3.0), %'],
  ['tar180', 'time above 180 (10.0), %'],
  ['tar250', 'time above 250 (13.9), %'],
  ['mean', 'mean glucose, mg/dL'],
  ['cv', 'CV, %'],
  ['gmi', 'GMI, %'],
  ['lbgi', 'LBGI'],
  ['hbgi', 'HBGI'],
  ['hypoPerWeek', 'hypo episodes per week'],
  ['nocturnalHypoShare', 'share of episodes at night'],
  ['dailySteps', 'steps per day'],
  ['hrMean', 'heart rate, mean bpm'],
  ['hrP95', 'heart rate, 95th percentile bpm'],
  ['hrRiseWithSteps', 'heart-rate rise when walking, bpm'],
  ['mealsPerDay', 'meals logged per day'],
  ['carbsPerDay', 'carbs per day, g'],
  ['bolusesPerDay', 'boluses per day'],
  ['tdd', 'total daily insulin, U'],
  ['basalShare', 'basal share of daily insulin'],
];

export function parseFidelity(text: string | undefined): FidelityReport | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as FidelityReport;
    return parsed && typeof parsed === 'object' && parsed.metrics && parsed.real ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Measured on an earlier state of the dataset: runs were committed since. */
export function fidelityIsStale(report: FidelityReport, manifest: Manifest): boolean {
  return report.datasetRuns !== manifest.runs.length;
}

const fixed = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
const digitsFor = (name: string) =>
  name.startsWith('acf') || name === 'nocturnalHypoShare' || name === 'basalShare' ? 2 : name === 'dailySteps' ? 0 : 1;
const triple = (q: number[] | null | undefined, digits: number) => (q ? q.map((v) => fixed(v, digits)).join(' / ') : '—');

export const FIDELITY_HEADER = ['figure (per segment)', 'real p25 / median / p75', 'generated p25 / median / p75', 'KS', 'W1'];

export function fidelityMetricRows(metrics: FidelityReport['metrics']): string[][] {
  return FIDELITY_ROWS.filter(([name]) => metrics[name]).map(([name, label]) => {
    const m = metrics[name] as MetricComparison;
    const digits = digitsFor(name);
    return [label, triple(m.real, digits), triple(m.synthetic, digits), fixed(m.ks, 2), fixed(m.wasserstein, digits)];
  });
}

/** The headline lines: discriminator, forecasting utility, pooled shares, augmentation. */
export function fidelityHeadlines(report: FidelityReport): string[] {
  const lines: string[] = [];
  const d = report.discriminator;
  if (d)
    lines.push(
      `A classifier tells 2-hour windows apart at AUROC ${fixed(d.auroc, 2)} (95 % CI ${fixed(d.ci95[0], 2)}–${fixed(d.ci95[1], 2)}; ` +
        `0.5 = cannot), ${d.windowsPerSide} windows a side, folds by person.`,
    );
  for (const [horizon, f] of Object.entries(report.forecasting ?? {})) {
    if (!f) continue;
    lines.push(
      `${horizon}-min forecast RMSE on the real people (mg/dL): persistence ${fixed(f.persistence, 1)}; trained on generated data ` +
        `ridge ${fixed(f.tstr.ridge, 1)}, LightGBM ${fixed(f.tstr.lightgbm, 1)}; trained on other real people ridge ` +
        `${fixed(f.trtr?.ridge, 1)}, LightGBM ${fixed(f.trtr?.lightgbm, 1)}; share of the real-data gain captured: ridge ` +
        `${fixed(f.realGainCaptured.ridge, 2)}, LightGBM ${fixed(f.realGainCaptured.lightgbm, 2)}.`,
    );
  }
  for (const [horizon, f] of Object.entries(report.forecastingWithInsulinCarbs ?? {})) {
    if (!f) continue;
    lines.push(
      `${horizon}-min, glucose + insulin + carbs on board (${f.realPeople} real people who log them): persistence ` +
        `${fixed(f.persistence, 1)}; trained on generated data LightGBM ${fixed(f.tstr.lightgbm, 1)}; on other real people ` +
        `${fixed(f.trtr?.lightgbm, 1)}; gain captured ${fixed(f.realGainCaptured.lightgbm, 2)}.`,
    );
  }
  const p = report.pooled;
  lines.push(
    `Readings at the sensor's ceiling: real ${fixed(p.ceilingPct.real, 2)} %, generated ${fixed(p.ceilingPct.synthetic, 2)} %; ` +
      `below 54 mg/dL: real ${fixed(p.below54Pct.real, 2)} %, generated ${fixed(p.below54Pct.synthetic, 2)} %.`,
  );
  for (const a of report.augmentation ?? [])
    lines.push(
      `Augmentation, ${a.horizon} min, ${a.realPeople} real ${a.realPeople === 1 ? 'person' : 'people'} to train on: real alone ` +
        `${fixed(a.realOnly, 1)}, real + generated ${fixed(a.realPlusSynthetic, 1)} mg/dL (difference ${fixed(a.diffMean, 2)}, ` +
        `95 % CI ${fixed(a.diffCi95[0], 2)} to ${fixed(a.diffCi95[1], 2)}, ${a.draws} draws).`,
    );
  return lines;
}

export function fidelityIntro(report: FidelityReport): string {
  const sets = report.real.sources.map((s) => `${s.format} (${s.people} people, ${s.personDays} person-days)`).join(', ');
  return (
    `The generated people (${report.synthetic.people}${report.synthetic.matchedOn.length ? `, matched on ${report.synthetic.matchedOn.join(' and ')}` : ''}) ` +
    `against real people with type 1 diabetes: ${sets}. Real records are cut into segments as long as a generated stay ` +
    `(${report.usedFor.segmentDays} days, ≥ 70 % of readings); dynamics use the ${report.usedFor.dynamics.length} real people whose ` +
    `sensor reports every 5 minutes and whose glucose is not interpolated. Reproduce with \`npm run fidelity\`; definitions in docs/FIDELITY.md.`
  );
}

export function fidelityCitations(report: FidelityReport): string[] {
  return [...new Set(report.real.sources.map((s) => REAL_SET_CITATIONS[s.format] ?? s.format))];
}

export function fidelityStaleNote(report: FidelityReport, manifest: Manifest): string | undefined {
  return fidelityIsStale(report, manifest)
    ? `Measured on an earlier state of the dataset (${report.datasetRuns} run(s); it has ${manifest.runs.length} now): run \`npm run fidelity\` again.`
    : undefined;
}

export const FIDELITY_NOT_MEASURED =
  'Not measured. `npm run fidelity -- --in DATASET --real t1d-uom=PATH` compares this dataset with real people ' +
  '(T1D-UOM, HUPA-UCM, OhioT1DM or any CSV of CGM readings; docs/FIDELITY.md of the generator says how).';
