import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { CGM_DEVICES } from '../domain/cgm.ts';
import {
  ConfigError,
  DEFAULT_CONFIG,
  formatMix,
  omittedInheritedKeys,
  validateRunConfig,
  type InheritedKey,
  type RunConfig,
} from '../config/config.ts';

/**
 * The one declaration of the options that describe a run (generate, schedule create, realism).
 * `defaults` overrides the default shown in help (realism generates a smaller cohort).
 */
export function addRunOptions(
  command: Command,
  defaults: { patients?: number; out?: string; therapyMix?: string; ageMix?: string } = {},
): Command {
  return command
    .option('--patients <n>', `patients in this run (default ${defaults.patients ?? DEFAULT_CONFIG.numPatients})`)
    .option('--days <d>', `simulated days per patient, fractions allowed (default ${DEFAULT_CONFIG.simulationDaysPerPatient})`)
    .option('--window <w>', `window size in minutes (default ${DEFAULT_CONFIG.windowSizeMinutes})`)
    .option('--out <dir>', `dataset directory or s3://bucket/prefix (default ${defaults.out ?? DEFAULT_CONFIG.outputDir})`)
    .option('--train-split <f>', `fraction of patients in train (default ${DEFAULT_CONFIG.trainSplit})`)
    .option('--val-split <f>', `fraction of patients in val (default ${DEFAULT_CONFIG.valSplit}); test gets the rest`)
    .option('--batch-size <n>', `patients per batch activity (default ${DEFAULT_CONFIG.batchSize})`)
    .option('--seed <n>', `random seed (default ${DEFAULT_CONFIG.randomSeed})`)
    .option(
      '--horizons <list>',
      `forecast horizons in minutes: glucose targets and early-warning labels per horizon (default ` +
        `${DEFAULT_CONFIG.forecastHorizonsMinutes.join(',')}; none = the original 82 columns)`,
    )
    .option(
      '--therapy-mix <shares>',
      `shares of therapies mdi (pens), pump, aid (closed loop, OpenAPS oref0), summing to 1 (default ` +
        `${defaults.therapyMix ?? formatMix(DEFAULT_CONFIG.therapyMix)})`,
    )
    .option(
      '--age-mix <shares>',
      'shares of age groups child (6–12), adolescent (13–17), adult (18–85), summing to 1 ' +
        `(default ${defaults.ageMix ?? formatMix(DEFAULT_CONFIG.ageMix)})`,
    )
    .option(
      '--cgm-device <name>',
      `the CGM worn: ${CGM_DEVICES.join(', ')} (default ${DEFAULT_CONFIG.cgmDevice}: a reading every minute; g7/g6 read every 5 min)`,
    )
    .option('--cgm-gaps', 'leave warm-ups, failed sensors and signal loss as nulls in the glucose columns (default: no nulls)')
    .option('--with-truth', 'add blood_glucose_mgdl, the simulated plasma glucose at t0, beside the CGM columns')
    .option(
      '--storage-patience <duration>',
      `how long to wait on storage a person must fix (refused credentials, a missing bucket, a read-only disk) before the run ends: 90s, 30m, 2h… (default ${DEFAULT_CONFIG.storagePatience})`,
    )
    .option(
      '--outage-patience <duration>',
      `how long to wait on a storage outage (network, S3 5xx, a full disk) before the run ends (default ${DEFAULT_CONFIG.outagePatience})`,
    )
    .option('--config <file>', 'JSON file with config fields (camelCase); flags override it');
}

export function addWorkersOption(command: Command): Command {
  return command.option(
    '--workers <n>',
    `worker processes, one per core (default all ${availableParallelism()} cores; 1 = sequential; 0 = none here: workers started elsewhere, e.g. npm run worker, run the batches)`,
  );
}

/** --quiet, --json, --verbose: how a command that follows a run prints. */
export interface OutputFlags {
  quiet?: boolean;
  json?: boolean;
  verbose?: boolean;
}

export function addOutputOptions(command: Command): Command {
  return command
    .option('--quiet', 'print only errors (and the --json summary)')
    .option('--json', 'print a machine-readable JSON summary on stdout')
    .option('--verbose', 'also print worker and server lines on the console');
}

/** Raw generate flags as commander hands them over (strings, so bad values can be named). */
export interface GenerateFlags {
  patients?: string;
  days?: string;
  window?: string;
  out?: string;
  trainSplit?: string;
  valSplit?: string;
  batchSize?: string;
  seed?: string;
  horizons?: string;
  therapyMix?: string;
  ageMix?: string;
  cgmDevice?: string;
  cgmGaps?: boolean;
  withTruth?: boolean;
  storagePatience?: string;
  outagePatience?: string;
  workers?: string;
  append?: boolean;
  config?: string;
}

const FLAG_TO_FIELD: [keyof GenerateFlags, keyof RunConfig][] = [
  ['patients', 'numPatients'],
  ['days', 'simulationDaysPerPatient'],
  ['window', 'windowSizeMinutes'],
  ['out', 'outputDir'],
  ['trainSplit', 'trainSplit'],
  ['valSplit', 'valSplit'],
  ['batchSize', 'batchSize'],
  ['seed', 'randomSeed'],
];

/** "12" → 12; anything that is not a plain number stays a string, so validation can quote it. */
export function numeric(text: string): number | string {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : text;
}

/** Config file (JSON, camelCase keys; nJobs allowed for workers) overlaid by flags. */
export function resolveRunConfig(flags: GenerateFlags): { config: RunConfig; workers: number; omittedInheritedKeys: InheritedKey[] } {
  let fileValues: Record<string, unknown> = {};
  let fileWorkers: unknown;
  if (flags.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `invalid --config: cannot read ${flags.config} (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected a readable JSON file`,
        'config',
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`invalid --config: ${flags.config} is not valid JSON (${(error as Error).message})`, 'config');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError(`invalid --config: ${flags.config} must hold a JSON object of config fields`, 'config');
    }
    ({ workers: fileWorkers, ...fileValues } = parsed as Record<string, unknown>);
  }
  const values: Record<string, unknown> = { ...DEFAULT_CONFIG, ...fileValues };
  for (const [flag, field] of FLAG_TO_FIELD) {
    const raw = flags[flag];
    if (raw !== undefined) values[field] = field === 'outputDir' ? raw : numeric(String(raw));
  }
  if (flags.horizons !== undefined) values.forecastHorizonsMinutes = parseHorizons(flags.horizons);
  if (flags.therapyMix !== undefined) values.therapyMix = flags.therapyMix;
  if (flags.ageMix !== undefined) values.ageMix = flags.ageMix;
  if (flags.cgmDevice !== undefined) values.cgmDevice = flags.cgmDevice;
  if (flags.cgmGaps) values.cgmGaps = true;
  if (flags.withTruth) values.withTruth = true;
  if (flags.storagePatience !== undefined) values.storagePatience = flags.storagePatience;
  if (flags.outagePatience !== undefined) values.outagePatience = flags.outagePatience;
  if (flags.append === false) values.appendMode = false;
  const config = validateRunConfig(values);
  const workers = parseWorkers(flags.workers ?? fileWorkers);
  // Mixes and CGM options given by neither a flag nor the file are left to the plan: an append takes the dataset's own.
  const given = {
    ...fileValues,
    ...(flags.therapyMix !== undefined && { therapyMix: flags.therapyMix }),
    ...(flags.ageMix !== undefined && { ageMix: flags.ageMix }),
    ...(flags.cgmDevice !== undefined && { cgmDevice: flags.cgmDevice }),
    ...(flags.cgmGaps && { cgmGaps: true }),
    ...(flags.withTruth && { withTruth: true }),
  };
  return { config, workers, omittedInheritedKeys: omittedInheritedKeys(given) };
}

/** "30,60" → [30, 60]; "none" → []; other items stay strings so validation can quote them. */
export function parseHorizons(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'none') return [];
  return trimmed.split(',').map((item) => numeric(item.trim()));
}

/** `--workers`: 0 means none here (workers started elsewhere run the batches), except where `least` says otherwise. */
export function parseWorkers(raw: unknown, least: 0 | 1 = 0): number {
  if (raw === undefined) return availableParallelism();
  const value = typeof raw === 'string' ? numeric(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > 256) {
    const none = least === 0 ? '; 0: workers started elsewhere' : '';
    throw new ConfigError(
      `invalid --workers: got ${JSON.stringify(raw)}, expected an integer from ${least} to 256 (default: all ${availableParallelism()} cores${none})`,
      'workers',
    );
  }
  return value;
}
