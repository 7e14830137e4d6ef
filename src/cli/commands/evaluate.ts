// `evaluate`: the dataset's own baseline scoreboard (src/evaluation/baselines.py in the project's
// Python environment), then the dataset card and report re-rendered with their Baselines section.
import { execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/config.ts';
import { SPLITS } from '../../dataset/splits.ts';
import { EVALUATION_KEY, timeseriesTable } from '../../storage/layout.ts';
import { withLocalDataset } from '../../storage/localMirror.ts';
import { readManifest } from '../../storage/manifest.ts';
import { normaliseOutputLocation, openStore } from '../../storage/openStore.ts';
import { isS3Uri } from '../../storage/s3Location.ts';
import { EXIT } from '../failures.ts';
import { PROJECT_ROOT } from '../../util/projectRoot.ts';

export const DEFAULT_TRAIN_ROWS = 250_000;

export interface EvaluateFlags {
  in?: string;
  trainRows?: string;
}

function parseTrainRows(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TRAIN_ROWS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < 1000 || value > 50_000_000) {
    throw new ConfigError(
      `invalid --train-rows: got ${JSON.stringify(raw)}, expected an integer from 1000 to 50000000 (default ${DEFAULT_TRAIN_ROWS})`,
      'trainRows',
    );
  }
  return value;
}

function runPython(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, '.venv/bin/python'), args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      'Baseline scoreboard of a dataset: persistence, trend, ridge and gradient-boosted trees on every ' +
        'forecasting task, trained on train, tuned on val, scored on test; writes evaluation.json and adds a ' +
        'Baselines section to DATASET_CARD.md and report.html.',
    )
    .option('--in <dir>', 'dataset directory or s3://bucket/prefix')
    .option('--train-rows <n>', `train rows used for fitting (a seeded random subset; default ${DEFAULT_TRAIN_ROWS})`)
    .addHelpText(
      'after',
      '\nExamples:\n  npm run evaluate -- --in ml_dataset_output\n  npm run evaluate -- --in /tmp/ds --train-rows 100000',
    )
    .action(async (flags: EvaluateFlags) => {
      process.exitCode = await evaluate(flags);
    });
}

export async function evaluate(flags: EvaluateFlags): Promise<number> {
  const startedAt = Date.now();
  let location: string;
  let trainRows: number;
  try {
    if (!flags.in) throw new ConfigError('invalid --in: missing; expected a dataset directory or s3://bucket/prefix', 'in');
    location = normaliseOutputLocation(flags.in);
    trainRows = parseTrainRows(flags.trainRows);
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return EXIT.badInput;
  }
  const store = openStore(location);
  const manifest = await readManifest(store).catch((error: Error) => {
    process.stderr.write(`error: invalid --in: ${error.message}\n`);
    return null;
  });
  if (manifest === null) return EXIT.badInput;
  if (!manifest) {
    process.stderr.write(`error: invalid --in: ${location} holds no committed dataset (no _manifest.json)\n`);
    return EXIT.badInput;
  }
  const empty = SPLITS.filter((split) => manifest.totals[timeseriesTable(split)].rows === 0);
  if (empty.length > 0) {
    process.stderr.write(
      `error: invalid --in: ${location} has no rows in ${empty.join(', ')}; evaluation trains on train, ` +
        `tunes on val and reports on test, so every split needs patients\n`,
    );
    return EXIT.badInput;
  }

  execFileSync('bash', [join(PROJECT_ROOT, 'scripts/ensure-venv.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  // On S3 the Python readers work on a local copy of the committed files.
  const evaluation = await withLocalDataset(
    store,
    manifest,
    async (directory) => {
      const code = await runPython([join(PROJECT_ROOT, 'src/evaluation/baselines.py'), directory, '--max-train-rows', String(trainRows)]);
      return code === 0 ? readFile(join(directory, EVALUATION_KEY)) : undefined;
    },
    (directory) => process.stderr.write(`[evaluate] copying the committed files of ${location} to ${directory}\n`),
  );
  if (!evaluation) {
    process.stderr.write(`error: the evaluation failed; the dataset is unchanged\n`);
    return EXIT.failed;
  }
  if (isS3Uri(location)) await store.put(EVALUATION_KEY, evaluation);
  // Loaded here: the report's code (simulation, Parquet) is not on the path of the other commands.
  const { writeHumanSummaries } = await import('../../pipeline/commit.ts');
  await writeHumanSummaries(store, manifest);
  process.stdout.write(
    `DATASET_CARD.md and report.html in ${location} now show the Baselines section; evaluate took ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`,
  );
  return EXIT.ok;
}
