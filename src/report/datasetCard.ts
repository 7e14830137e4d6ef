import { DEMOGRAPHICS_COLUMNS, SCHEMA_VERSION } from '../dataset/arrowSchema.ts';
import { FEATURE_NAMES } from '../domain/features.ts';
import { HYPER_EPISODE_ABOVE_MGDL, HYPO_EPISODE_BELOW_MGDL, SUSTAINED_EPISODE_MINUTES } from '../dataset/horizons.ts';
import { SPLITS } from '../dataset/splits.ts';
import { timeseriesTable } from '../storage/layout.ts';
import { AGE_LO, BMI_LO, cohortCellKey, histogramQuantile } from '../dataset/summaryStats.ts';
import { formatMix } from '../config/config.ts';
import { AGE_GROUPS, THERAPIES } from '../domain/cohort.ts';
import { forecastTailMinutes, horizonLabelColumns, horizonTargetColumns } from '../dataset/horizons.ts';
import { GENERATOR } from '../version.ts';
import { CGM_DEVICE_SPECS } from '../simulation/sensor/index.ts';
import {
  FIDELITY_HEADER,
  FIDELITY_NOT_MEASURED,
  fidelityCitations,
  fidelityHeadlines,
  fidelityIntro,
  fidelityMetricRows,
  fidelityStaleNote,
} from './fidelityTables.ts';
import { baselineTables, markdownTable } from './baselines.ts';
import type { ReportData } from './reportData.ts';

const LABEL_RULES: Record<string, string> = {
  label_hypoglycemia_risk: 'g_t0 < 70, or (g_t0 < 80 and g_t0 − g_t1 < −3)',
  label_hyperglycemia_risk: 'g_t0 > 250, or (g_t0 > 180 and g_t0 − g_t1 > 5)',
  label_fall_risk: 'g_t0 < 70 and activity_intensity_t0 > 0.5 and hrv_sdnn_t0 < 20',
  label_cardiac_anomaly: 'QTc_t0 > 470 (Bazett) or HR_t0 < 45 or (HR_t0 > 160 and activity_intensity_t0 < 0.3)',
  label_severe_hypotension_risk: 'g_t0 < 70 and activity_intensity_t0 > 0.3 and HR_t0 − HR_t1 < −10',
  label_autonomic_dysregulation: 'eda_t0 > 12 and hrv_sdnn_t0 < 15 and (g_t0 < 70 or g_t0 > 200)',
};

/** The rule of any label column, including the early-warning labels of each horizon. */
export function labelRule(label: string): string {
  const within = /^label_(hypo|hyper)glycemia_within_(\d+)min$/.exec(label);
  if (!within) return LABEL_RULES[label] ?? '';
  const [, kind, h] = within;
  const threshold = kind === 'hypo' ? `CGM < ${HYPO_EPISODE_BELOW_MGDL}` : `CGM > ${HYPER_EPISODE_ABOVE_MGDL}`;
  return (
    `any minute in (t0, t0 + ${h}] belongs to ≥ ${SUSTAINED_EPISODE_MINUTES} consecutive minutes of ` +
    `${threshold} mg/dL (consensus CGM ` +
    `${kind === 'hypo' ? 'level-1 hypoglycaemia' : 'level-2 hyperglycaemia'} event: Battelino et al. ` +
    `2023; Danne et al. 2017)`
  );
}

const pct = (part: number, whole: number) => (whole > 0 ? ((100 * part) / whole).toFixed(3) : '0.000');

/** DATASET_CARD.md: what the dataset is, how it was made, what it holds, how to reproduce it. */
export function datasetCard(data: ReportData, location: string): string {
  const { manifest, summary, horizons } = data;
  const rows = (t: keyof typeof manifest.totals) => manifest.totals[t].rows;
  const q = (h: number[], lo: number, w: number, p: number) => histogramQuantile(h, lo, w, p).toFixed(0);
  const lines: string[] = [];
  lines.push(`# Dataset card: synthetic diabetic digital twins`);
  lines.push('');
  lines.push(
    `Location: \`${location}\` · dataset id \`${manifest.datasetId}\` · schema version ${SCHEMA_VERSION} ` +
      `· written by ${GENERATOR} · updated ${manifest.updatedAt}`,
  );
  lines.push('');
  lines.push(
    '> **Synthetic data.** Every patient here is simulated. Nothing describes a real person, and nothing ' +
      'here may be used for clinical decisions, dosing or diagnosis.',
  );
  lines.push('');
  lines.push('## What it is');
  lines.push('');
  const forecastTargets = horizons.length
    ? `, glucose targets ${horizons.join('/')} minutes ahead and early-warning labels of sustained lows and highs within those horizons`
    : '';
  lines.push(
    `${manifest.totals.patient_demographics.rows} simulated people with type 1 diabetes (children 6–12, ` +
      `adolescents 13–17, adults 18–85; on insulin pens, an insulin pump, or a hybrid closed loop run by ` +
      `the OpenAPS reference algorithm oref0), minute by minute: CGM glucose, heart rate, HRV, breathing, ` +
      `SpO₂, steps, acceleration, skin temperature, EDA, QT interval, insulin on board, carbs in the ` +
      `stomach, activity intensity and hour of day. The series are cut into sliding windows with ` +
      `next-minute targets${forecastTargets} and six adverse-event labels, split train/val/test **by patient** ` +
      `(no patient is in two splits).`,
  );
  lines.push('');
  lines.push('| table | rows | files | bytes |');
  lines.push('|---|---:|---:|---:|');
  for (const [table, total] of Object.entries(manifest.totals))
    lines.push(
      `| \`${table}.parquet/\` | ${total.rows.toLocaleString('en-US')} | ${total.files} | ${total.bytes.toLocaleString('en-US')} |`,
    );
  lines.push('');
  lines.push(
    'Each table directory is a Delta Lake table with one version per run, the same version number in all four ' +
      `(each version's \`txn\` names its run: \`appId\` ${manifest.datasetId}, \`version\` = the run number). ` +
      'Read it with `spark.read.format("delta")`, `deltalake.DeltaTable` or `polars.scan_delta` to see whole runs ' +
      'only while the dataset grows; time travel reaches back to the last overwrite. Plain Parquet readers take ' +
      'the `*.parquet` files of a directory.',
  );
  lines.push('');
  lines.push('## How it was generated');
  lines.push('');
  lines.push(
    '- Glucose–insulin: the UVA/Padova T1D model (Dalla Man et al. 2007; simglucose parameter sets, ' +
      'perturbed log-normally with the steady state re-solved), integrated with RK4 (2 sub-steps a minute).',
  );
  lines.push(
    '- Exercise: heart-rate-driven extension (Dalla Man, Breton & Cobelli 2009), with the late post-exercise rise in insulin sensitivity.',
  );
  lines.push(
    "- CGM: per-sensor calibration drift and AR(2) noise (Vettoretti et al. 2019), whole mg/dL within the device's reporting range (section CGM).",
  );
  lines.push(
    "- People: simglucose's child, adolescent and adult parameter sets for their age group; height and " +
      'BMI from the CDC growth charts, resting heart and breathing rate from Fleming et al. (Lancet 2011) ' +
      'for the young; bedtimes, meal sizes and activity by age.',
  );
  lines.push(
    '- Daily life: simglucose random meal scenario scaled to the person, sleep, walks, exercise sessions, ' +
      'weekday variation; carb-count error, missed and late boluses, corrections, hypo treatment, impaired ' +
      'hypo awareness, circadian and day-to-day insulin sensitivity. The same person lives the same days ' +
      'whatever their therapy.',
  );
  lines.push(
    '- Therapy: pens (long-acting basal, 0.5 U doses), a pump (hourly basal profile, bolus calculator net ' +
      'of insulin on board, 0.05 U steps, temp basal before planned exercise), or a hybrid closed loop: the ' +
      "same pump and the person's meal boluses, with oref0 0.7.1 determine-basal setting a temporary basal " +
      'every 5 minutes from the CGM (no micro-boluses).',
  );
  lines.push(
    '- Wearables: Karvonen heart rate with Tanaka max HR, HRV falling with heart rate and in ' +
      "hypoglycaemia, QT from the patient's QTc (Bazett) with hypoglycaemic prolongation (Robinson 2003), " +
      'breathing, SpO₂, wrist skin temperature, EDA with hypoglycaemic sweating, steps (Tudor-Locke 2019), ' +
      'wrist PPG motion noise.',
  );
  lines.push('');
  lines.push('Runs (each adds patients; same seeds in the same order reproduce the same rows):');
  lines.push('');
  lines.push('| run | patients (index range) | days | window | seed | therapy mix | age mix | batch | started | generator |');
  lines.push('|---|---|---:|---:|---:|---|---|---:|---|---|');
  for (const run of manifest.runs) {
    const mixes = run.config.therapyMix
      ? `${formatMix(run.config.therapyMix)} | ${formatMix(run.config.ageMix)}`
      : 'mdi:1 (basal–bolus) | adult:1';
    lines.push(
      `| ${run.runSeq} \`${run.runId.slice(0, 8)}\` | ${run.numPatients} ` +
        `(${run.firstPatientIndex}–${run.firstPatientIndex + run.numPatients - 1}) | ` +
        `${run.config.simulationDaysPerPatient} | ${run.config.windowSizeMinutes} | ${run.config.randomSeed} ` +
        `| ${mixes} | ${run.config.batchSize} | ${run.startedAt} | ${run.generatorVersion} |`,
    );
  }
  lines.push('');
  lines.push('## Schema');
  lines.push('');
  lines.push(`- \`patient_demographics\`: ${DEMOGRAPHICS_COLUMNS.map((c) => `\`${c.name}\``).join(', ')}.`);
  const forecastColumnNames = [...horizonTargetColumns(horizons), ...horizonLabelColumns(horizons)].map((c) => `\`${c}\``);
  const forecastColumns = horizons.length
    ? `; then forecasting columns ${forecastColumnNames.join(', ')} (CGM glucose at t0 + h; early-warning labels below). ` +
      `Each patient is simulated ${forecastTailMinutes(horizons)} minutes past its visible days so that every row has every target`
    : '; no forecasting columns (--horizons none)';
  lines.push(
    `- \`timeseries_features_{train,val,test}\`: \`patient_id\`, \`timestamp\` (UTC, window end), ` +
      `\`feature_t{k}_{feature}\` for k = 0 (now) … W−1 and the 14 features ` +
      `${FEATURE_NAMES.map((f) => `\`${f}\``).join(', ')}; targets \`target_glucose_mgdl\`, ` +
      `\`target_heart_rate_bpm\`, \`target_hrv_sdnn\`, \`target_respiratory_rate_rpm\` (next minute); six ` +
      `int32 labels${forecastColumns}. No nulls.`,
  );
  lines.push('');
  lines.push('## Labels: rules and prevalence (% of windows)');
  lines.push('');
  lines.push(`| label | rule | ${SPLITS.join(' | ')} |`);
  lines.push(`|---|---|${SPLITS.map(() => '---:').join('|')}|`);
  for (const label of data.labelNames) {
    lines.push(
      `| \`${label}\` | ${labelRule(label)} | ${SPLITS.map((s) => pct(manifest.labelCounts[s][label], rows(timeseriesTable(s)))).join(' | ')} |`,
    );
  }
  lines.push('');
  if (data.evaluation) {
    const tables = baselineTables(data.evaluation, manifest);
    lines.push('## Baselines');
    lines.push('');
    if (tables.staleNote) lines.push(`> **${tables.staleNote}**`, '');
    lines.push(tables.intro);
    lines.push('');
    lines.push(...markdownTable(tables.glucoseHeader, tables.glucoseRows));
    lines.push('');
    lines.push(...markdownTable(tables.labelHeader, tables.labelRows));
    lines.push('');
  }
  lines.push('## Against real people');
  lines.push('');
  if (data.fidelity) {
    const stale = fidelityStaleNote(data.fidelity, manifest);
    if (stale) lines.push(`> **${stale}**`, '');
    lines.push(fidelityIntro(data.fidelity));
    lines.push('');
    lines.push(...markdownTable(FIDELITY_HEADER, fidelityMetricRows(data.fidelity.metrics)));
    lines.push('');
    for (const line of fidelityHeadlines(data.fidelity)) lines.push(`- ${line}`);
    lines.push('');
    lines.push(`Real data: ${fidelityCitations(data.fidelity).join('; ')}.`);
  } else lines.push(FIDELITY_NOT_MEASURED);
  lines.push('');
  lines.push('## Cohort');
  lines.push('');
  lines.push(
    `- ${summary.patients} patients (${summary.genderCounts.F} F, ${summary.genderCounts.M} M); age ` +
      `median ~${q(summary.ageHistogram, AGE_LO, 5, 0.5)} y (p10 ` +
      `~${q(summary.ageHistogram, AGE_LO, 5, 0.1)}, p90 ~${q(summary.ageHistogram, AGE_LO, 5, 0.9)}); BMI ` +
      `median ~${q(summary.bmiHistogram, BMI_LO, 2, 0.5)} kg/m².`,
  );
  const cells = Object.entries(summary.cohortCells ?? {});
  if (cells.length > 0) {
    lines.push('');
    lines.push('| therapy | age group | patients | time in range 70–180, per patient: median (p10–p90) |');
    lines.push('|---|---|---:|---|');
    for (const therapy of THERAPIES) {
      for (const ageGroup of AGE_GROUPS) {
        const cell = summary.cohortCells![cohortCellKey(therapy, ageGroup)];
        if (!cell) continue;
        lines.push(
          `| ${therapy} | ${ageGroup} | ${cell.patients} | ~${q(cell.timeInRangeHistogram, 0, 5, 0.5)} % ` +
            `(~${q(cell.timeInRangeHistogram, 0, 5, 0.1)}–${q(cell.timeInRangeHistogram, 0, 5, 0.9)} %) |`,
        );
      }
    }
    lines.push('');
  }
  lines.push(
    `- Per patient, whole cohort: time in range 70–180 median ` +
      `~${q(summary.timeInRangeHistogram, 0, 5, 0.5)} % (p10 ~${q(summary.timeInRangeHistogram, 0, 5, 0.1)} ` +
      `%, p90 ~${q(summary.timeInRangeHistogram, 0, 5, 0.9)} %); mean glucose median ` +
      `~${q(summary.meanGlucoseHistogram, 60, 10, 0.5)} mg/dL; CV median ` +
      `~${q(summary.cvHistogram, 0, 5, 0.5)} %. Real-world T1D bands: see \`npm run realism\`.`,
  );
  lines.push('');
  lines.push(...cgmSection(data));
  lines.push('## Intended use and limitations');
  lines.push('');
  lines.push(
    '- For developing and benchmarking glucose-forecasting and adverse-event models, pipelines and ' +
      'tooling when real data is scarce; for pre-training before fine-tuning on real data.',
  );
  lines.push(
    '- Not for clinical decisions. A model that does well here has learnt a simulator, not people: validate on real data before any claim.',
  );
  lines.push(
    '- The cohort is people aged 6–85 with type 1 diabetes on pens, pumps or one closed-loop algorithm ' +
      '(oref0 without micro-boluses; commercial systems differ); no type 2, no children under 6, no ' +
      'illness, menstruation or alcohol. Wearable signals are plausible ' +
      'models, not measured physiology; the labels are rule-based flags, not diagnoses.',
  );
  lines.push('');
  lines.push('## Reproduce exactly');
  lines.push('');
  lines.push('Run these in order into an empty directory (any worker count or batch size gives the same rows):');
  lines.push('');
  lines.push('```bash');
  manifest.runs.forEach((run, i) => {
    const c = run.config;
    const mixes = c.therapyMix ? ` --therapy-mix ${formatMix(c.therapyMix)} --age-mix ${formatMix(c.ageMix)}` : '';
    const sensor = c.cgmDevice ? ` --cgm-device ${c.cgmDevice}${c.cgmGaps ? ' --cgm-gaps' : ''}${c.withTruth ? ' --with-truth' : ''}` : '';
    lines.push(
      `npm run generate -- --patients ${c.numPatients} --days ${c.simulationDaysPerPatient} --window ` +
        `${c.windowSizeMinutes} --train-split ${c.trainSplit} --val-split ${c.valSplit} --seed ` +
        `${c.randomSeed} --horizons ${(c.forecastHorizonsMinutes ?? []).join(',') || 'none'}${mixes}${sensor} --out ` +
        `DIR${i === 0 && !c.appendMode ? ' --no-append' : ''}`,
    );
  });
  lines.push('```');
  lines.push('');
  return lines.join('\n');
}

/** The CGM: device, how gaps are shown, accuracy against the simulated plasma glucose by day of wear. */
function cgmSection(data: ReportData): string[] {
  const last = data.manifest.runs[data.manifest.runs.length - 1];
  const accuracy = data.summary.sensorAccuracy;
  if (!last?.config.cgmDevice || !accuracy) return [];
  const { cgmDevice, cgmGaps, withTruth } = last.config;
  const spec = CGM_DEVICE_SPECS[cgmDevice];
  const readings = accuracy.readings.reduce((sum, n) => sum + n, 0);
  const lines = ['## CGM', ''];
  lines.push(
    `- Device \`${cgmDevice}\`: a reading every ${spec.readingIntervalMinutes === 1 ? 'minute' : `${spec.readingIntervalMinutes} minutes (held in between, as an app shows it)`}, ` +
      `sensors worn ${spec.wearDays} days, ${spec.warmUpMinutes}-minute warm-up after each change, ${Math.round(spec.earlyFailureFraction * 100)} % ending early, ` +
      `readings from ${spec.reportingRangeMgdl[0]} to ${spec.reportingRangeMgdl[1]} mg/dL (its labelling); ` +
      'per-sensor calibration drift and AR(2) noise (Vettoretti et al. 2019), compression lows at night, signal loss (docs/PHYSIOLOGY.md §9).',
  );
  const without = pct(accuracy.minutesWithoutReading, accuracy.minutesWithoutReading + readings);
  lines.push(
    cgmGaps
      ? `- Gaps are null: ${without} % of minutes had no reading (warm-ups, failed sensors, signal loss); feature_t{k}_glucose_mgdl, target_glucose_mgdl and the horizon targets are null there, every other column is complete.`
      : `- No glucose value is null. ${without} % of minutes had no live reading: signal loss is back-filled as the sensor recorded it, and a warm-up or a failed sensor is bridged as if the next sensor had been worn overlapping. The controller saw none of these readings live.`,
  );
  lines.push(
    withTruth
      ? '- `blood_glucose_mgdl` holds the simulated plasma glucose at t0 (the truth the CGM measures, with its physiological lag and its error).'
      : '- The simulated plasma glucose is not in the tables (add it with `--with-truth`); the accuracy below is measured against it during generation.',
  );
  lines.push('');
  lines.push('| day of wear | readings | MARD vs plasma glucose | within 20/20 |');
  lines.push('|---:|---:|---:|---:|');
  accuracy.readings.forEach((n, d) => {
    if (n === 0) return;
    lines.push(
      `| ${d + 1} | ${n.toLocaleString('en-US')} | ${((100 * accuracy.absRelativeError[d]!) / n).toFixed(1)} % | ${((100 * accuracy.within2020[d]!) / n).toFixed(1)} % |`,
    );
  });
  const mard = (100 * accuracy.absRelativeError.reduce((sum, v) => sum + v, 0)) / Math.max(1, readings);
  const within = (100 * accuracy.within2020.reduce((sum, v) => sum + v, 0)) / Math.max(1, readings);
  lines.push(`| all | ${readings.toLocaleString('en-US')} | ${mard.toFixed(1)} % | ${within.toFixed(1)} % |`);
  lines.push('');
  lines.push(`Published MARD for this device: ${spec.mardBandPct[0]}–${spec.mardBandPct[1]} % (${spec.source}).`);
  lines.push('');
  return lines;
}
