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

export function registerRealism(program: Command): void {
  addWorkersOption(
    addRunOptions(
      program
        .command('realism')
        .description('Generate a dataset (or read --in DIR) and compare its CGM metrics, label prevalence and signal ranges with the realism bands of docs/PHYSIOLOGY.md; exit 0 only if all hold.')
        .option('--in <dir>', 'read an existing dataset (directory or s3://bucket/prefix) instead of generating one')
        .option('--json-out <file>', 'where to write the JSON report (default <dataset>/realism_report.json)'),
      { patients: 300, out: 'a new temporary directory' },
    ),
  )
    .addHelpText('after', '\nExamples:\n  npm run realism -- --patients 300 --days 3\n  npm run realism -- --in ml_dataset_output\n  npm run realism -- --in s3://bucket/twins')
    .action(async (flags: GenerateFlags & { in?: string; jsonOut?: string }) => {
      process.exitCode = await realism(flags);
    });
}

export async function realism(flags: GenerateFlags & { in?: string; jsonOut?: string }): Promise<number> {
  let location: string;
  if (!flags.in) {
    const out = flags.out ?? join(tmpdir(), `diabetic-twin-realism-${Date.now()}`);
    const code = await generate({ ...flags, out, patients: flags.patients ?? '300', days: flags.days ?? '3', quiet: false });
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
  const report = await withLocalDataset(store, manifest, (directory) => realismReport(directory));
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
