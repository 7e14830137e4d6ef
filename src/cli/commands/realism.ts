import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REALISM_REPORT_KEY } from '../../storage/layout.ts';
import { withLocalDataset } from '../../storage/localMirror.ts';
import { readManifest } from '../../storage/manifest.ts';
import { normaliseOutputLocation, openStore } from '../../storage/openStore.ts';
import { isS3Uri } from '../../storage/s3Location.ts';
import { EXIT } from '../failures.ts';
import { addRunOptions, addWorkersOption, type GenerateFlags } from '../runOptions.ts';
import { generate } from './generate.ts';

/** 9 cells of ~133 patients each: every cell reaches the 100 patients a verdict needs. */
export const REALISM_PATIENTS = 1200;
export const BALANCED_THERAPY_MIX = 'mdi:0.34,pump:0.33,aid:0.33';
export const BALANCED_AGE_MIX = 'child:0.34,adolescent:0.33,adult:0.33';

export function registerRealism(program: Command): void {
  addWorkersOption(
    addRunOptions(
      program
        .command('realism')
        .description(
          'Generate a dataset (or read --in DIR) and compare its CGM metrics per therapy × age group, label ' +
            'prevalence, signal ranges and its CGM against the truth (accuracy by day of wear, gaps, compression ' +
            'lows, night-time lows) with the realism bands of docs/PHYSIOLOGY.md; exit 0 only if all hold. ' +
            'Generated cohorts are balanced across therapies and age groups unless a mix is given, so every cell ' +
            'has its 100 patients.',
        )
        .option('--in <dir>', 'read an existing dataset (directory or s3://bucket/prefix) instead of generating one')
        .option('--json-out <file>', 'where to write the JSON report (default <dataset>/realism_report.json)'),
      { patients: REALISM_PATIENTS, out: 'a new temporary directory', therapyMix: BALANCED_THERAPY_MIX, ageMix: BALANCED_AGE_MIX },
    ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  npm run realism\n  npm run realism -- --patients 3000 --therapy-mix ' +
        'mdi:0.35,pump:0.25,aid:0.4\n  npm run realism -- --in ml_dataset_output\n  npm run realism -- --in ' +
        's3://bucket/twins',
    )
    .action(async (flags: GenerateFlags & { in?: string; jsonOut?: string }) => {
      process.exitCode = await realism(flags);
    });
}

export async function realism(flags: GenerateFlags & { in?: string; jsonOut?: string }): Promise<number> {
  let location: string;
  if (!flags.in) {
    const out = flags.out ?? join(tmpdir(), `diabetic-twin-realism-${Date.now()}`);
    const balanced = flags.config === undefined;
    const code = await generate({
      ...flags,
      out,
      patients: flags.patients ?? String(REALISM_PATIENTS),
      days: flags.days ?? '3',
      therapyMix: flags.therapyMix ?? (balanced ? BALANCED_THERAPY_MIX : undefined),
      ageMix: flags.ageMix ?? (balanced ? BALANCED_AGE_MIX : undefined),
      quiet: false,
    });
    if (code !== EXIT.ok) return code;
    location = normaliseOutputLocation(out);
  } else {
    try {
      location = normaliseOutputLocation(flags.in);
    } catch (error) {
      process.stderr.write(`error: invalid --in: ${(error as Error).message}\n`);
      return EXIT.badInput;
    }
  }
  const store = openStore(location);
  const manifest = await readManifest(store);
  if (!manifest) {
    process.stderr.write(`error: invalid --in: ${location} holds no committed dataset (no _manifest.json)\n`);
    return EXIT.badInput;
  }
  // Loaded here, not at start-up: the report reads Parquet (parquet-wasm), which no other command needs.
  const { formatRealismReport, realismReport } = await import('../../realism/realismReport.ts');
  // S3 datasets are read from a temporary local copy of their committed files.
  const { studyDatasetSensors } = await import('../../realism/sensorRealism.ts');
  const cgm = studyDatasetSensors(manifest);
  const report = await withLocalDataset(store, manifest, (directory) => realismReport(directory, cgm));
  report.dataset = location;
  const json = JSON.stringify(report, null, 2) + '\n';
  let written: string;
  if (flags.jsonOut) {
    writeFileSync(flags.jsonOut, json);
    written = flags.jsonOut;
  } else {
    await store.put(REALISM_REPORT_KEY, json);
    written = isS3Uri(location) ? `${location}/${REALISM_REPORT_KEY}` : join(location, REALISM_REPORT_KEY);
  }
  process.stdout.write(formatRealismReport(report) + `\nJSON report: ${written}\n`);
  return report.allBandsHold ? EXIT.ok : EXIT.failed;
}
