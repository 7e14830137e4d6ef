// The CGM against the truth: accuracy by day of wear, coverage and gaps, compression lows, and the
// statistics forecasting depends on (autocorrelation, 5-minute change), next to real-data anchors.
import { SensorState, type CgmDevice } from '../domain/cgm.ts';
import { hypoEpisodeStarts } from '../dataset/cgmMetrics.ts';
import { sustainedEpisodeMask } from '../dataset/horizons.ts';
import { addSensorAccuracy, emptySensorAccuracy, type SensorAccuracy } from '../dataset/summaryStats.ts';
import { CGM_DEVICE_SPECS } from '../simulation/sensor/index.ts';
import type { SensorTrace } from '../simulation/sensor/index.ts';

/** Night for the nocturnal share: episodes starting 00:00–06:00 (Baumann et al., ADA 2022). */
const NIGHT_END_MINUTE = 360;
const SHORT_GAP_MINUTES = 20;
/**
 * Plasma glucose above 600 mg/dL for more than an hour: reported, since real people rarely get
 * there (ketones, nausea and sick-day rules make them act from 250–300 mg/dL, ISPAD 2022).
 */
const VERY_HIGH_TRUTH_MGDL = 600;
const VERY_HIGH_TRUTH_MINUTES = 60;

/** Stretches of `truthMgdl` above `thresholdMgdl` for more than `minutes` minutes in a row. */
export function stretchesAbove(truthMgdl: Float64Array, thresholdMgdl: number, minutes: number): number {
  const mask = sustainedEpisodeMask(truthMgdl, (value) => value > thresholdMgdl, minutes + 1);
  let stretches = 0;
  for (let m = 0; m < mask.length; m++) if (mask[m] === 1 && (m === 0 || mask[m - 1] === 0)) stretches++;
  return stretches;
}

/** Running sums over the patients studied. */
export interface SensorStudy {
  device: CgmDevice;
  patients: number;
  minutes: number;
  /** Accuracy by day of wear, as the dataset card's (summaryStats.ts). */
  accuracy: SensorAccuracy;
  gapLengths: number[];
  /** Lengths of the gaps that are signal loss (not warm-ups or failed sensors), min. */
  signalLossLengths: number[];
  sensorStarts: number;
  compressionEvents: number;
  sleepMinutes: number;
  compressedSleepMinutes: number;
  nights: number;
  autocorrelation30: number[];
  autocorrelation60: number[];
  fiveMinuteChangeSum: number;
  fiveMinuteChangeSumSq: number;
  fiveMinuteChanges: number;
  hypoEpisodesCgm: number;
  nocturnalHypoEpisodesCgm: number;
  hypoEpisodesTruth: number;
  nocturnalHypoEpisodesTruth: number;
  /** Patients with plasma glucose above VERY_HIGH_TRUTH_MGDL for more than VERY_HIGH_TRUTH_MINUTES, and such stretches. */
  patientsVeryHighForAnHour: number;
  veryHighStretches: number;
}

export function emptySensorStudy(device: CgmDevice): SensorStudy {
  const days = Math.ceil(CGM_DEVICE_SPECS[device].wearDays);
  return {
    device,
    patients: 0,
    minutes: 0,
    accuracy: emptySensorAccuracy(days),
    gapLengths: [],
    signalLossLengths: [],
    sensorStarts: 0,
    compressionEvents: 0,
    sleepMinutes: 0,
    compressedSleepMinutes: 0,
    nights: 0,
    autocorrelation30: [],
    autocorrelation60: [],
    fiveMinuteChangeSum: 0,
    fiveMinuteChangeSumSq: 0,
    fiveMinuteChanges: 0,
    hypoEpisodesCgm: 0,
    nocturnalHypoEpisodesCgm: 0,
    hypoEpisodesTruth: 0,
    nocturnalHypoEpisodesTruth: 0,
    patientsVeryHighForAnHour: 0,
    veryHighStretches: 0,
  };
}

/** Autocorrelation of a series at `lag` minutes, the series' own mean removed. */
export function autocorrelation(series: Float64Array, lag: number): number {
  let sum = 0;
  for (let i = 0; i < series.length; i++) sum += series[i]!;
  const mean = sum / series.length;
  let numerator = 0,
    denominator = 0;
  for (let i = 0; i < series.length; i++) {
    const d = series[i]! - mean;
    denominator += d * d;
    if (i + lag < series.length) numerator += d * (series[i + lag]! - mean);
  }
  return denominator > 0 ? numerator / denominator : Number.NaN;
}

/**
 * Adds one patient: `cgmMgdl` the recorded CGM (no gaps), `truthMgdl` plasma glucose, `asleep` the
 * minutes asleep, over the first `minutes` minutes of the stay (which starts at midnight).
 */
export function addToSensorStudy(
  study: SensorStudy,
  cgmMgdl: Float64Array,
  truthMgdl: Float64Array,
  trace: SensorTrace,
  asleep: Uint8Array,
  minutes: number,
): void {
  study.patients++;
  study.minutes += minutes;
  addSensorAccuracy(study.accuracy, cgmMgdl, truthMgdl, trace.state, trace.dayOfWear, minutes);
  let gapStart = -1;
  for (let m = 0; m <= minutes; m++) {
    const reading = m < minutes && trace.state[m] === SensorState.Reading;
    if (m < minutes && !reading && gapStart < 0) gapStart = m;
    if ((reading || m === minutes) && gapStart >= 0) {
      study.gapLengths.push(m - gapStart);
      if (trace.state[gapStart] === SensorState.SignalLoss) study.signalLossLengths.push(m - gapStart);
      gapStart = -1;
    }
  }
  study.sensorStarts += trace.sensorStarts.filter((start) => start < minutes).length;
  study.compressionEvents += trace.compressionStarts.filter((start) => start < minutes).length;
  for (let m = 0; m < minutes; m++) {
    if (!asleep[m]) continue;
    study.sleepMinutes++;
    if (trace.compressionMgdl[m]! < -1) study.compressedSleepMinutes++;
    if (m === 0 || !asleep[m - 1]) study.nights++;
  }
  const cgm = cgmMgdl.subarray(0, minutes);
  study.autocorrelation30.push(autocorrelation(cgm, 30));
  study.autocorrelation60.push(autocorrelation(cgm, 60));
  for (let m = 5; m < minutes; m++) {
    const change = cgm[m]! - cgm[m - 5]!;
    study.fiveMinuteChangeSum += change;
    study.fiveMinuteChangeSumSq += change * change;
    study.fiveMinuteChanges++;
  }
  const nocturnal = (start: number) => start % 1440 < NIGHT_END_MINUTE;
  const cgmEpisodes = hypoEpisodeStarts(cgm);
  const truthEpisodes = hypoEpisodeStarts(truthMgdl.subarray(0, minutes));
  study.hypoEpisodesCgm += cgmEpisodes.length;
  study.nocturnalHypoEpisodesCgm += cgmEpisodes.filter(nocturnal).length;
  study.hypoEpisodesTruth += truthEpisodes.length;
  study.nocturnalHypoEpisodesTruth += truthEpisodes.filter(nocturnal).length;
  const veryHigh = stretchesAbove(truthMgdl.subarray(0, minutes), VERY_HIGH_TRUTH_MGDL, VERY_HIGH_TRUTH_MINUTES);
  study.veryHighStretches += veryHigh;
  if (veryHigh > 0) study.patientsVeryHighForAnHour++;
}

export interface SensorCheck {
  label: string;
  value: number;
  band: [number, number] | null;
  ok: boolean;
  source: string;
}

export interface SensorStudyReport {
  device: CgmDevice;
  patients: number;
  /** Per day of wear (1-based): MARD %, %20/20, readings. */
  byDayOfWear: { day: number; mardPct: number; within2020Pct: number; readings: number }[];
  gapLengthMinutes: { gaps: number; median: number; p90: number; under20Pct: number };
  checks: SensorCheck[];
  allHold: boolean;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
const pctOf = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : Number.NaN);

/** The study's figures, each next to its real-world band (docs/PHYSIOLOGY.md "CGM realism"). */
export function sensorStudyReport(study: SensorStudy): SensorStudyReport {
  const spec = CGM_DEVICE_SPECS[study.device];
  const { accuracy } = study;
  const readings = accuracy.readings.reduce((sum, n) => sum + n, 0);
  const byDayOfWear = accuracy.readings.map((readings, d) => ({
    day: d + 1,
    mardPct: pctOf(accuracy.absRelativeError[d]!, readings),
    within2020Pct: pctOf(accuracy.within2020[d]!, readings),
    readings,
  }));
  const sumOf = (values: number[]) => values.reduce((sum, v) => sum + v, 0);
  const mardPct = pctOf(sumOf(accuracy.absRelativeError), readings);
  const within2020Pct = pctOf(sumOf(accuracy.within2020), readings);
  const later = byDayOfWear.slice(1).filter((d) => d.readings > 0);
  const laterMard = pctOf(
    later.reduce((sum, d) => sum + (d.mardPct * d.readings) / 100, 0),
    later.reduce((sum, d) => sum + d.readings, 0),
  );
  const gaps = [...study.gapLengths].sort((a, b) => a - b);
  const at = (q: number) => (gaps.length ? gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))]! : Number.NaN);
  const changeMean = study.fiveMinuteChangeSum / Math.max(1, study.fiveMinuteChanges);
  const changeSd = Math.sqrt(Math.max(0, study.fiveMinuteChangeSumSq / Math.max(1, study.fiveMinuteChanges) - changeMean * changeMean));
  const check = (label: string, value: number, band: [number, number] | null, source: string): SensorCheck => ({
    label,
    value,
    band,
    ok: band === null || (value >= band[0] && value <= band[1]),
    source,
  });
  const checks = [
    check(`MARD vs plasma glucose (%), ${study.device}`, mardPct, spec.mardBandPct, spec.source),
    check('readings within 20/20 (%)', within2020Pct, [85, 97], 'Libre 3 93.4 %, G7 ~93 %, G6 ~92 %'),
    check('MARD day 1 ÷ later days', byDayOfWear[0]!.mardPct / laterMard, [1, 1.6], 'G6 Pro real world: 13.6 % first 12 h vs 10.1 % later'),
    check('minutes with a reading (%)', pctOf(readings, study.minutes), [95, 98.5], 'REPLACE-BG; Control-IQ real world: ~96–97 %'),
    check(
      'signal losses shorter than 20 min (%)',
      pctOf(study.signalLossLengths.filter((g) => g < SHORT_GAP_MINUTES).length, study.signalLossLengths.length),
      [80, 97],
      'Facchinetti 2016: ~90 %',
    ),
    check('compression lows per night', study.compressionEvents / Math.max(1, study.nights), null, 'Baysal 2014'),
    check(
      'sleep minutes under a compression artefact (%)',
      pctOf(study.compressedSleepMinutes, study.sleepMinutes),
      [1.5, 5],
      'Baysal 2014: ~3 % of overnight readings',
    ),
    check('CGM autocorrelation at 30 min', mean(study.autocorrelation30), [0.85, 0.95], 'OhioT1DM: 0.91'),
    check('CGM autocorrelation at 60 min', mean(study.autocorrelation60), [0.65, 0.85], 'OhioT1DM: 0.77'),
    check('SD of 5-minute CGM change (mg/dL)', changeSd, [3.5, 7.5], 'OhioT1DM: 5.6 mg/dL'),
    check(
      'level-1 hypo episodes starting 00:00–06:00, CGM (%)',
      pctOf(study.nocturnalHypoEpisodesCgm, study.hypoEpisodesCgm),
      [15, 35],
      'Baumann et al., ADA 2022 (n = 66, one year): 24.7 %',
    ),
    check(
      'level-1 hypo episodes starting 00:00–06:00, true glucose (%)',
      pctOf(study.nocturnalHypoEpisodesTruth, study.hypoEpisodesTruth),
      [10, 35],
      'not only false compression lows put lows at night',
    ),
    check(
      `patients with plasma glucose > ${VERY_HIGH_TRUTH_MGDL} mg/dL for > 1 h (%)`,
      pctOf(study.patientsVeryHighForAnHour, study.patients),
      null,
      `${study.veryHighStretches} such stretches; real people act from 250–300 mg/dL (ketones, ISPAD 2022)`,
    ),
  ];
  return {
    device: study.device,
    patients: study.patients,
    byDayOfWear,
    gapLengthMinutes: {
      gaps: gaps.length,
      median: at(0.5),
      p90: at(0.9),
      under20Pct: pctOf(gaps.filter((g) => g < 20).length, gaps.length),
    },
    checks,
    allHold: checks.every((c) => c.ok),
  };
}

const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/** The CGM section as terminal lines. */
export function formatSensorStudy(report: SensorStudyReport): string {
  const lines = [`CGM (${report.device}) against the simulated plasma glucose: ${report.patients} patients simulated again`];
  lines.push(`  ${'day of wear'.padEnd(12)} ${'MARD %'.padStart(7)} ${'20/20 %'.padStart(8)} ${'readings'.padStart(10)}`);
  for (const day of report.byDayOfWear) {
    lines.push(
      `  ${String(day.day).padEnd(12)} ${fixed(day.mardPct, 1).padStart(7)} ${fixed(day.within2020Pct, 1).padStart(8)} ${String(day.readings).padStart(10)}`,
    );
  }
  const gaps = report.gapLengthMinutes;
  lines.push(`  gaps (warm-ups, failed sensors, signal loss): ${gaps.gaps}, median ${gaps.median} min, p90 ${gaps.p90} min`);
  for (const c of report.checks) {
    const band = c.band ? `[${c.band[0]}, ${c.band[1]}]` : 'reported';
    lines.push(
      `  ${c.label.padEnd(58)} ${fixed(c.value, 3).padStart(8)}   ${band.padEnd(12)} ${c.band ? (c.ok ? 'yes' : 'NO') : ''}  ${c.source}`,
    );
  }
  return lines.join('\n');
}
