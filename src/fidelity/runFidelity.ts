// `npm run fidelity`'s measurement: both sides on the common ground (series.ts), per-segment
// metrics (metrics.ts), pooled shares, the pictures' data, then the distances, the discriminator
// and the forecasting utility in the project's Python environment (fidelity.py), assembled into
// fidelity.json's contract (docs/FIDELITY.md).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../storage/manifest.ts';
import type { RealSet } from '../real/types.ts';
import { PROJECT_ROOT } from '../util/projectRoot.ts';
import { readGeneratedSeries, type GeneratedSeries } from './generatedSeries.ts';
import {
  autocorrelation,
  cutSegments,
  heartRateByHour,
  METRIC_NAMES,
  sd5,
  segmentMetrics,
  THRESHOLDS,
  type MetricName,
  type Segment,
  type SegmentMetrics,
} from './metrics.ts';
import { SLOT_MINUTES, SLOTS_PER_DAY } from './grid.ts';
import { realGridSeries, type GridSeries } from './series.ts';

export const FIDELITY_VERSION = 1;
export const DEFAULT_FIDELITY_SEED = 20241;
export const MATCH_KEYS = ['therapy', 'age'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

export type Quartiles = [number, number, number];

export interface MetricComparison {
  real: Quartiles;
  /** null where the generated dataset does not record the figure (meals, insulin events). */
  synthetic: Quartiles | null;
  ks: number | null;
  wasserstein: number | null;
  ksCi95?: [number, number];
  realMedianCi95?: [number, number];
  syntheticMedianCi95?: [number, number];
  realSegments: number;
  syntheticSegments: number;
  realPeople: number;
}

export interface Discrimination {
  auroc: number;
  ci95: [number, number];
  windowsPerSide: number;
  folds: number;
  realPeople: number;
  syntheticPeople: number;
  topFeatures: { feature: string; gainShare: number }[];
}

export interface HorizonUtility {
  persistence: number;
  tstr: { ridge: number; lightgbm: number };
  trtr: { ridge: number; lightgbm: number } | null;
  realGainCaptured: { ridge: number | null; lightgbm: number | null };
  realWindows: number;
  realPeople: number;
  syntheticTrainWindows: number;
}

export interface AugmentationRow {
  horizon: number;
  realPeople: number;
  draws: number;
  realOnly: number;
  realPlusSynthetic: number;
  diffMean: number;
  diffCi95: [number, number];
}

export interface FidelityReport {
  version: number;
  seed: number;
  /** The dataset's state when measured: its last run, so a later append shows it was measured before. */
  datasetRuns: number;
  real: {
    sources: { format: string; path: string; people: number; personDays: number; leftOut: string[] }[];
    people: number;
    personDays: number;
  };
  synthetic: { people: number; personDays: number; datasetRuns: number; matchedOn: MatchKey[]; cohortPeople: number };
  /** Who was used for what. */
  usedFor: {
    levels: string[];
    dynamics: string[];
    excludedFromDynamics: { person: string; because: string }[];
    segmentDays: number;
    segmentCoverage: number;
  };
  match: { keys: MatchKey[]; realTherapies: string[]; realAgeGroups: string[]; realPeopleWithKnownTherapy: number } | null;
  metrics: Partial<Record<MetricName, MetricComparison>>;
  perSource: Record<
    string,
    {
      metrics: Partial<Record<MetricName, MetricComparison>>;
      discriminator: Discrimination | null;
      forecasting: Record<string, HorizonUtility | null> | null;
    }
  >;
  /** The generated people's plasma glucose (a --with-truth dataset): its dynamics, p25/median/p75. */
  syntheticTruth?: Partial<Record<'sd5' | 'acf30' | 'acf60', Quartiles>>;
  pooled: {
    ceilingPct: { real: number | null; synthetic: number };
    below54Pct: { real: number; synthetic: number };
    ceilingReadings: { real: number; synthetic: number };
  };
  discriminator: Discrimination | null;
  forecasting: Record<string, HorizonUtility | null> | null;
  /** The same with insulin and carbs on board beside the glucose, on the real people whose set logs them (docs/FIDELITY.md §5). */
  forecastingWithInsulinCarbs?: Record<string, HorizonUtility | null> | null;
  augmentation: AugmentationRow[] | null;
  pictures: FidelityPictures;
}

export interface FidelityPictures {
  /** Median over people of the autocorrelation at 5…180 minutes. */
  autocorrelation: { lagMinutes: number[]; real: number[]; synthetic: number[] };
  /** Share of 5-minute changes per bin (mg/dL, bin centres). */
  change5: { binMgdl: number[]; real: number[]; synthetic: number[] };
  /** Median heart rate per hour of day; null where a side has none. */
  heartRateByHour: { real: number[] | null; synthetic: number[] | null };
  /** Per-segment values of some metrics, for overlaid distributions. */
  distributions: Record<string, { real: number[]; synthetic: number[] }>;
  /** One day of each side, mg/dL per 5 minutes (null = no reading); the real one's set named. */
  exampleDays: {
    real: { source: string; person: string; mgdl: (number | null)[] } | null;
    synthetic: { person: string; mgdl: (number | null)[] };
  };
}

export interface FidelityInputs {
  datasetDirectory: string;
  manifest: Manifest;
  realSets: RealSet[];
  match: MatchKey[];
  seed: number;
  augmentation: boolean;
  /** Progress: a phase's name, and what it is doing (without the phase's name). */
  onPhase: (phase: string, detail?: string) => void;
}

const DISTRIBUTION_METRICS: MetricName[] = ['sd5', 'acf30', 'acf60', 'tir', 'cv', 'mean'];
const ACF_LAGS = Array.from({ length: 36 }, (_, i) => i + 1);
const CHANGE_BIN_MGDL = 1.8;
const CHANGE_BINS = 33; // ±29.7 mg/dL around 0

const median = (values: number[]) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)]! : Number.NaN;
};

/** The stay a generated person lives (the most common run length), in days. */
export function generatedStayDays(manifest: Manifest): number {
  const patientsPerDays = new Map<number, number>();
  for (const run of manifest.runs)
    patientsPerDays.set(
      run.config.simulationDaysPerPatient,
      (patientsPerDays.get(run.config.simulationDaysPerPatient) ?? 0) + run.numPatients,
    );
  return [...patientsPerDays].sort((a, b) => b[1] - a[1])[0]![0];
}

/** The generated people narrowed to the real people's therapies (where known) and age groups. */
export function matchGenerated<T extends GridSeries>(generated: T[], real: GridSeries[], keys: MatchKey[]) {
  const therapies = new Set<string>(real.map((s) => s.therapy).filter((t) => t !== 'unknown'));
  const ages = new Set<string>(real.map((s) => s.ageGroup).filter((a) => a !== 'unknown'));
  const kept = generated.filter(
    (s) =>
      (!keys.includes('therapy') || therapies.size === 0 || therapies.has(s.therapy)) &&
      (!keys.includes('age') || ages.size === 0 || ages.has(s.ageGroup)),
  );
  return {
    kept,
    realTherapies: [...therapies].sort(),
    realAgeGroups: [...ages].sort(),
    realPeopleWithKnownTherapy: real.filter((s) => s.therapy !== 'unknown').length,
  };
}

const json = (value: number) => (Number.isFinite(value) ? value : null);
const metricsJson = (m: Partial<SegmentMetrics>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, json(v)]));

export interface SegmentRow {
  side: 'real' | 'synthetic' | 'syntheticTruth';
  source: string;
  person: string;
  metrics: Partial<SegmentMetrics>;
}

/**
 * The Python side's input: the dynamics series on the common grid (whole real records, whole
 * generated stays) as one float64 file with an index, the per-segment metrics, the options.
 */
export async function writeFidelityWork(
  work: string,
  dynamics: GridSeries[],
  segments: SegmentRow[],
  options: { seed: number; augmentation: boolean },
): Promise<void> {
  let offset = 0;
  const index = dynamics.map((s) => {
    const entry = {
      side: s.side,
      source: s.source,
      person: s.personId,
      offset,
      length: s.commonMgdl.length,
      insulinCarbs: !!(s.iobUnits && s.cobGrams),
    };
    offset += s.commonMgdl.length;
    return entry;
  });
  const glucose = new Float64Array(offset);
  // Insulin and carbs on board beside the glucose (NaN for people whose set has none).
  const iob = new Float64Array(offset).fill(Number.NaN);
  const cob = new Float64Array(offset).fill(Number.NaN);
  dynamics.forEach((s, i) => {
    glucose.set(s.commonMgdl, index[i]!.offset);
    if (s.iobUnits && s.cobGrams) {
      iob.set(s.iobUnits, index[i]!.offset);
      cob.set(s.cobGrams, index[i]!.offset);
    }
  });
  await writeFile(join(work, 'iob.f64'), new Uint8Array(iob.buffer));
  await writeFile(join(work, 'cob.f64'), new Uint8Array(cob.buffer));
  const rows = segments.map((row) => ({ ...row, metrics: metricsJson(row.metrics) }));
  await writeFile(join(work, 'segments.json'), JSON.stringify(rows));
  await writeFile(join(work, 'series.json'), JSON.stringify(index));
  await writeFile(join(work, 'glucose.f64'), new Uint8Array(glucose.buffer));
  await writeFile(join(work, 'options.json'), JSON.stringify({ ...options, metrics: METRIC_NAMES }));
}

/** Runs fidelity.py on a work directory (writeFidelityWork); its progress lines go to `onLine`. */
export function runFidelityPython(work: string, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, '.venv/bin/python'), [join(PROJECT_ROOT, 'src/fidelity/fidelity.py'), work], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.startsWith('[fidelity] ')) onLine(line.slice(11));
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`fidelity.py exited with ${code}: ${tail.trim().split('\n').slice(-5).join(' | ')}`)),
    );
  });
}

/** Measures; `seconds` holds each phase's time (kept out of the report, so the same inputs give the same file). */
export async function measureFidelity(inputs: FidelityInputs, seconds: Record<string, number> = {}): Promise<FidelityReport> {
  let phaseStart = Date.now();
  const phaseDone = (name: string) => {
    seconds[name] = Math.round((Date.now() - phaseStart) / 100) / 10;
    phaseStart = Date.now();
  };
  const { manifest, realSets } = inputs;

  inputs.onPhase('reading', 'the generated dataset');
  const cohort = await readGeneratedSeries(inputs.datasetDirectory, manifest);
  const realSeries = realSets.flatMap((set) => set.people.map(realGridSeries));
  const matched = matchGenerated(cohort, realSeries, inputs.match);
  const generated: GeneratedSeries[] = matched.kept;
  const stayDays = generatedStayDays(manifest);
  const segmentSlots = Math.max(1, Math.round(stayDays * SLOTS_PER_DAY));
  phaseDone('reading');

  inputs.onPhase('metrics', `${realSeries.length} real people, ${generated.length} generated`);
  const realSegments: Segment[] = realSeries.flatMap((series) => cutSegments(series, segmentSlots));
  const generatedSegments: Segment[] = generated.map((series) => ({ series, from: 0, to: series.glucose.length }));
  const realMetrics = realSegments.map(segmentMetrics);
  const generatedMetrics = generatedSegments.map(segmentMetrics);
  const truthMetrics = generated.filter((s) => s.truthMgdl).map((s) => ({ person: s.personId, metrics: dynamicsOf(s.truthMgdl!) }));

  // Pooled shares: the ceiling over 5-minute Dexcom-like sensors (the dynamics people), below 54 over every reading.
  const pooledShare = (segments: Segment[], test: (s: GridSeries, i: number) => boolean) => {
    let hits = 0,
      readings = 0;
    for (const { series, from, to } of segments)
      for (let i = from; i < to; i++) {
        if (Number.isNaN(series.glucose[i]!)) continue;
        readings++;
        if (test(series, i)) hits++;
      }
    return { pct: readings ? (100 * hits) / readings : Number.NaN, hits };
  };
  const below54 = (s: GridSeries, i: number) => s.glucose[i]! < THRESHOLDS[s.unit][0];
  const atCeiling = (s: GridSeries, i: number) => s.atCeiling[i] === 1;
  const dynamicReal = realSegments.filter((s) => s.series.dynamics);
  const ceilingReal = pooledShare(dynamicReal, atCeiling);
  const ceilingSynthetic = pooledShare(generatedSegments, atCeiling);
  const pictures = picturesOf(realSeries, generated, realSegments, generatedSegments, realMetrics, generatedMetrics);
  phaseDone('metrics');

  const work = await mkdtemp(join(tmpdir(), 'twin-fidelity-'));
  try {
    const segmentRows: SegmentRow[] = [
      ...realSegments.map((seg, i) => ({
        side: 'real' as const,
        source: seg.series.source,
        person: seg.series.personId,
        metrics: realMetrics[i]!,
      })),
      ...generatedSegments.map((seg, i) => ({
        side: 'synthetic' as const,
        source: 'generated',
        person: seg.series.personId,
        metrics: generatedMetrics[i]!,
      })),
      ...truthMetrics.map((t) => ({ side: 'syntheticTruth' as const, source: 'generated', person: t.person, metrics: t.metrics })),
    ];
    await writeFidelityWork(work, [...realSeries.filter((s) => s.dynamics), ...generated], segmentRows, {
      seed: inputs.seed,
      augmentation: inputs.augmentation,
    });
    let phase = 'metrics';
    await runFidelityPython(work, (line) => {
      const next = line.split(':')[0]!.split(' ')[0]!;
      if (next !== phase) {
        phaseDone(phase === 'metrics' ? 'distances' : phase);
        phase = next;
      }
      // fidelity.py's lines start with their phase: the detail is the rest.
      inputs.onPhase(phase, line.slice(phase.length).replace(/^:? ?/, ''));
    });
    phaseDone(phase);
    const python = JSON.parse(await readFile(join(work, 'result.json'), 'utf8')) as Pick<
      FidelityReport,
      'metrics' | 'perSource' | 'discriminator' | 'forecasting' | 'forecastingWithInsulinCarbs' | 'augmentation' | 'syntheticTruth'
    >;

    const personDays = (segments: Segment[]) => segments.reduce((sum, s) => sum + ((s.to - s.from) * SLOT_MINUTES) / 1440, 0);
    const excluded = realSeries.filter((s) => !s.dynamics);
    const label = (s: GridSeries) => `${s.source}:${s.personId}`;
    return {
      version: FIDELITY_VERSION,
      seed: inputs.seed,
      datasetRuns: manifest.runs.length,
      real: {
        sources: realSets.map((set) => {
          const segments = realSegments.filter(
            (s) => s.series.source === set.format && set.people.some((p) => p.personId === s.series.personId),
          );
          return {
            format: set.format,
            path: set.path,
            people: set.people.length,
            personDays: round(personDays(segments), 1),
            leftOut: set.leftOut,
          };
        }),
        people: realSeries.length,
        personDays: round(personDays(realSegments), 1),
      },
      synthetic: {
        people: generated.length,
        personDays: round(personDays(generatedSegments), 1),
        datasetRuns: manifest.runs.length,
        matchedOn: inputs.match,
        cohortPeople: cohort.length,
      },
      usedFor: {
        levels: [...new Set(realSegments.map((s) => label(s.series)))],
        dynamics: realSeries.filter((s) => s.dynamics).map(label),
        excludedFromDynamics: excluded.map((s) => ({ person: label(s), because: s.dynamicsExcludedBecause ?? '' })),
        segmentDays: stayDays,
        segmentCoverage: 0.7,
      },
      match: inputs.match.length
        ? {
            keys: inputs.match,
            realTherapies: matched.realTherapies,
            realAgeGroups: matched.realAgeGroups,
            realPeopleWithKnownTherapy: matched.realPeopleWithKnownTherapy,
          }
        : null,
      metrics: python.metrics,
      perSource: python.perSource,
      ...(python.syntheticTruth ? { syntheticTruth: python.syntheticTruth } : {}),
      pooled: {
        ceilingPct: { real: json(ceilingReal.pct), synthetic: ceilingSynthetic.pct },
        below54Pct: { real: pooledShare(realSegments, below54).pct, synthetic: pooledShare(generatedSegments, below54).pct },
        ceilingReadings: { real: ceilingReal.hits, synthetic: ceilingSynthetic.hits },
      },
      discriminator: python.discriminator,
      forecasting: python.forecasting,
      forecastingWithInsulinCarbs: python.forecastingWithInsulinCarbs ?? null,
      augmentation: python.augmentation,
      pictures,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** sd5 and acf30/60 of a plasma glucose series (mg/dL per slot), as a metrics row with only those. */
function dynamicsOf(truthMgdl: Float64Array): Partial<SegmentMetrics> {
  return { sd5: sd5(truthMgdl), acf30: autocorrelation(truthMgdl, 6), acf60: autocorrelation(truthMgdl, 12) };
}

function picturesOf(
  realSeries: GridSeries[],
  generated: GridSeries[],
  realSegments: Segment[],
  generatedSegments: Segment[],
  realMetrics: SegmentMetrics[],
  generatedMetrics: SegmentMetrics[],
): FidelityPictures {
  const dynamicReal = realSeries.filter((s) => s.dynamics);
  const acfCurve = (series: GridSeries[]) => ACF_LAGS.map((lag) => round(median(series.map((s) => autocorrelation(s.commonMgdl, lag))), 4));
  const changeHistogram = (series: GridSeries[]) => {
    const counts = new Float64Array(CHANGE_BINS);
    let total = 0;
    for (const s of series)
      for (let i = 1; i < s.commonMgdl.length; i++) {
        const d = s.commonMgdl[i]! - s.commonMgdl[i - 1]!;
        if (Number.isNaN(d)) continue;
        const bin = Math.round(d / CHANGE_BIN_MGDL) + (CHANGE_BINS - 1) / 2;
        counts[Math.min(CHANGE_BINS - 1, Math.max(0, bin))]!++;
        total++;
      }
    return Array.from(counts, (c) => round(total ? c / total : 0, 5));
  };
  const hasHeart = (segments: Segment[]) => segments.some((s) => s.series.heartRateBpm);
  const distributions: FidelityPictures['distributions'] = {};
  for (const name of DISTRIBUTION_METRICS) {
    const pick = (rows: SegmentMetrics[]) =>
      rows
        .map((m) => m[name])
        .filter(Number.isFinite)
        .map((v) => round(v, 3));
    distributions[name] = { real: pick(realMetrics), synthetic: pick(generatedMetrics) };
  }
  // The example days: the real dynamics person with the most readings, their first fully covered day; the first generated person's first day.
  const fullDay = (s: GridSeries) => {
    for (let from = 0; from + SLOTS_PER_DAY <= s.commonMgdl.length; from += SLOTS_PER_DAY) {
      const day = s.commonMgdl.subarray(from, from + SLOTS_PER_DAY);
      if (day.filter((v) => !Number.isNaN(v)).length >= 0.95 * SLOTS_PER_DAY)
        return Array.from(day, (v) => (Number.isNaN(v) ? null : round(v, 1)));
    }
    return null;
  };
  const richest = dynamicReal.slice().sort((a, b) => countReadings(b) - countReadings(a))[0];
  const realDay = richest ? fullDay(richest) : null;
  const firstGenerated = generated[0]!;
  return {
    autocorrelation: { lagMinutes: ACF_LAGS.map((l) => l * SLOT_MINUTES), real: acfCurve(dynamicReal), synthetic: acfCurve(generated) },
    change5: {
      binMgdl: Array.from({ length: CHANGE_BINS }, (_, i) => round((i - (CHANGE_BINS - 1) / 2) * CHANGE_BIN_MGDL, 1)),
      real: changeHistogram(dynamicReal),
      synthetic: changeHistogram(generated),
    },
    heartRateByHour: {
      real: hasHeart(realSegments) ? heartRateByHour(realSegments).map((v) => json(v)!) : null,
      synthetic: hasHeart(generatedSegments) ? heartRateByHour(generatedSegments).map((v) => json(v)!) : null,
    },
    distributions,
    exampleDays: {
      real: richest && realDay ? { source: richest.source, person: richest.personId, mgdl: realDay } : null,
      synthetic: {
        person: firstGenerated.personId,
        mgdl: Array.from(firstGenerated.commonMgdl.subarray(0, SLOTS_PER_DAY), (v) => (Number.isNaN(v) ? null : round(v, 1))),
      },
    },
  };
}

const countReadings = (s: GridSeries) => s.commonMgdl.reduce((n, v) => n + (Number.isNaN(v) ? 0 : 1), 0);
