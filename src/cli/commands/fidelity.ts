// `fidelity`: the dataset against real people (src/fidelity/, src/real/): per-person metrics, a
// discriminator, forecasting utility; writes fidelity.json and re-renders the card and report.
import { execFileSync } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../config/config.ts';
import { FIDELITY_KEY } from '../../storage/layout.ts';
import { withLocalDataset } from '../../storage/localMirror.ts';
import { readManifest } from '../../storage/manifest.ts';
import { normaliseOutputLocation, openStore } from '../../storage/openStore.ts';
import { isS3Uri } from '../../storage/s3Location.ts';
import { parseRealSpec, readRealSet } from '../../real/readRealSet.ts';
import { RealDataError, type GlucoseUnit, type RealSet } from '../../real/types.ts';
import { DEFAULT_FIDELITY_SEED, MATCH_KEYS, measureFidelity, type FidelityReport, type MatchKey } from '../../fidelity/runFidelity.ts';
import { FIDELITY_HEADER, fidelityHeadlines, fidelityMetricRows } from '../../report/fidelityTables.ts';
import { markdownTable } from '../../report/baselines.ts';
import { EXIT } from '../failures.ts';
import { PROJECT_ROOT } from '../../util/projectRoot.ts';

export interface FidelityFlags {
  in?: string;
  real?: string[];
  match?: string;
  seed?: string;
  out?: string;
  units?: string;
  json?: boolean;
  quiet?: boolean;
  augmentation?: boolean;
}

interface ValidFlags {
  location: string;
  specs: ReturnType<typeof parseRealSpec>[];
  match: MatchKey[];
  seed: number;
  units?: GlucoseUnit;
}

function validate(flags: FidelityFlags): ValidFlags {
  if (!flags.in) throw new ConfigError('invalid --in: missing; expected a dataset directory or s3://bucket/prefix', 'in');
  if (!flags.real?.length)
    throw new ConfigError('invalid --real: missing; expected FORMAT=PATH (t1d-uom, hupa-ucm, csv, ohiot1dm), repeatable', 'real');
  const match = (flags.match ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  const unknown = match.filter((key) => !(MATCH_KEYS as readonly string[]).includes(key));
  if (unknown.length)
    throw new ConfigError(`invalid --match: got ${JSON.stringify(flags.match)}, expected a list of ${MATCH_KEYS.join(', ')}`, 'match');
  const seed = flags.seed === undefined ? DEFAULT_FIDELITY_SEED : Number(flags.seed);
  if (!/^\d+$/.test(flags.seed ?? '0') || !Number.isSafeInteger(seed) || seed > 4294967295)
    throw new ConfigError(`invalid --seed: got ${JSON.stringify(flags.seed)}, expected an integer 0–4294967295`, 'seed');
  if (flags.units !== undefined && flags.units !== 'mg/dL' && flags.units !== 'mmol/L')
    throw new ConfigError(`invalid --units: got ${JSON.stringify(flags.units)}, expected mg/dL or mmol/L`, 'units');
  return {
    location: normaliseOutputLocation(flags.in),
    specs: flags.real.map(parseRealSpec),
    match: match as MatchKey[],
    seed,
    units: flags.units as GlucoseUnit | undefined,
  };
}

export function registerFidelity(program: Command): void {
  program
    .command('fidelity')
    .description(
      'How close a dataset is to real people: per-person glucose and wearable figures side by side (KS, Wasserstein), a ' +
        'classifier telling real from generated windows, and what a forecaster trained on the generated data is worth on ' +
        'real patients; writes fidelity.json and an "Against real people" section in DATASET_CARD.md and report.html.',
    )
    .option('--in <dir>', 'dataset directory or s3://bucket/prefix')
    .option(
      '--real <format=path>',
      'a real set: t1d-uom, hupa-ucm, csv or ohiot1dm, and its path (repeatable; sets are pooled)',
      (v, all: string[] = []) => [...all, v],
    )
    .option('--match <keys>', 'narrow the generated people to the real people’s therapy and/or age groups: therapy,age')
    .option('--seed <n>', `seed of every draw and model (default ${DEFAULT_FIDELITY_SEED})`)
    .option('--out <dir>', 'where fidelity.json goes (default the dataset root, which also re-renders its card and report)')
    .option('--units <unit>', 'glucose unit of csv sets whose column name does not say: mg/dL or mmol/L')
    .option('--json', 'print fidelity.json instead of the table')
    .option('--quiet', 'no progress lines')
    .option('--no-augmentation', 'skip the augmentation study (the slowest part)')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run fidelity -- --in ml_dataset_output --real t1d-uom=~/data/T1D-UOM --match age\n' +
        '  npm run fidelity -- --in ml_dataset_output --real csv=~/data/PhysioCGM --real hupa-ucm=~/data/HUPA-UCM --no-augmentation',
    )
    .action(async (flags: FidelityFlags) => {
      process.exitCode = await fidelity(flags);
    });
}

export async function fidelity(flags: FidelityFlags): Promise<number> {
  const startedAt = Date.now();
  const progress = (line: string) => {
    if (!flags.quiet) process.stderr.write(`[fidelity] ${line}\n`);
  };
  let valid: ValidFlags;
  let sets: RealSet[];
  try {
    valid = validate(flags);
    progress(`reading ${valid.specs.map((s) => `${s.format}=${s.path}`).join(', ')}`);
    sets = valid.specs.map((spec) => readRealSet(spec, valid.units));
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RealDataError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.badInput;
    }
    throw error;
  }
  for (const set of sets) {
    progress(`${set.format}: ${set.people.length} people${set.leftOut.length ? `; left out: ${set.leftOut.join('; ')}` : ''}`);
    for (const person of set.people) if (person.notes.length) progress(`  ${set.format} ${person.personId}: ${person.notes.join('; ')}`);
  }
  const store = openStore(valid.location);
  const manifest = await readManifest(store).catch((error: Error) => {
    process.stderr.write(`error: invalid --in: ${error.message}\n`);
    return null;
  });
  if (manifest === null) return EXIT.badInput;
  if (!manifest || manifest.totals.patient_demographics.rows === 0) {
    process.stderr.write(`error: invalid --in: ${valid.location} holds no committed dataset (no _manifest.json with patients)\n`);
    return EXIT.badInput;
  }

  execFileSync('bash', [join(PROJECT_ROOT, 'scripts/ensure-venv.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  let report: FidelityReport;
  const seconds: Record<string, number> = {};
  try {
    report = await withLocalDataset(store, manifest, (directory) =>
      measureFidelity(
        {
          datasetDirectory: directory,
          manifest,
          realSets: sets,
          match: valid.match,
          seed: valid.seed,
          augmentation: flags.augmentation !== false,
          onPhase: (phase, detail) => progress(detail ? `${phase}: ${detail}` : phase),
        },
        seconds,
      ),
    );
  } catch (error) {
    process.stderr.write(`error: the measurement failed: ${(error as Error).message}; nothing was written\n`);
    return EXIT.failed;
  }
  const text = JSON.stringify(report, null, 1);
  if (flags.out) {
    const directory = resolve(flags.out);
    await mkdir(directory, { recursive: true });
    // Written whole or not at all: a temporary name, then a rename.
    await writeFile(join(directory, `.${FIDELITY_KEY}.tmp`), text);
    await rename(join(directory, `.${FIDELITY_KEY}.tmp`), join(directory, FIDELITY_KEY));
  } else {
    await store.put(FIDELITY_KEY, text);
    const { writeHumanSummaries } = await import('../../pipeline/commit.ts');
    await writeHumanSummaries(store, manifest);
  }
  const where = flags.out ? resolve(flags.out) : valid.location;
  if (flags.json) process.stdout.write(`${text}\n`);
  else process.stdout.write(renderTable(report, seconds, where, isS3Uri(where) || !flags.out));
  progress(`done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return EXIT.ok;
}

function renderTable(report: FidelityReport, seconds: Record<string, number>, where: string, rerendered: boolean): string {
  const lines: string[] = [];
  lines.push(
    `Against real people: ${report.real.people} real (${report.real.sources.map((s) => `${s.format} ${s.people}`).join(', ')}; ` +
      `${report.real.personDays} person-days), ${report.synthetic.people} generated` +
      (report.match
        ? ` (matched on ${report.match.keys.join(', ')}: therapies ${report.match.realTherapies.join('/') || 'unknown'}, ages ${report.match.realAgeGroups.join('/') || 'unknown'}; ${report.match.realPeopleWithKnownTherapy} real people with a known therapy)`
        : ''),
  );
  lines.push(
    `Dynamics from ${report.usedFor.dynamics.length} real people; left out of dynamics: ` +
      (report.usedFor.excludedFromDynamics.map((e) => `${e.person} (${e.because})`).join(', ') || 'nobody'),
  );
  lines.push('');
  lines.push(...markdownTable(FIDELITY_HEADER, fidelityMetricRows(report.metrics)));
  lines.push('');
  for (const line of fidelityHeadlines(report)) lines.push(`- ${line}`);
  const sources = Object.entries(report.perSource);
  if (sources.length > 1) {
    lines.push('');
    lines.push('Per set (KS of sd5 / acf30 / acf60; discriminator AUROC; LightGBM gain captured at 30 / 60 min):');
    for (const [source, figures] of sources) {
      const ks = (['sd5', 'acf30', 'acf60'] as const).map((m) => figures.metrics[m]?.ks?.toFixed(2) ?? '—').join(' / ');
      const gain = ['30', '60'].map((h) => figures.forecasting?.[h]?.realGainCaptured.lightgbm?.toFixed(2) ?? '—').join(' / ');
      lines.push(`- ${source}: KS ${ks}; AUROC ${figures.discriminator?.auroc.toFixed(2) ?? '—'}; gain ${gain}`);
    }
  }
  lines.push('');
  lines.push(
    `Times (s): ${Object.entries(seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  lines.push(`Wrote ${where}/${FIDELITY_KEY}${rerendered ? '; DATASET_CARD.md and report.html show the Against real people section' : ''}`);
  return `${lines.join('\n')}\n`;
}
