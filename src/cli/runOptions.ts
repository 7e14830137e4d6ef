import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ConfigError, DEFAULT_CONFIG, validateRunConfig, type RunConfig } from '../config/config.ts';

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
function numeric(text: string): number | string {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : text;
}

/** Config file (JSON, camelCase keys; nJobs allowed for workers) overlaid by flags. */
export function resolveRunConfig(flags: GenerateFlags): { config: RunConfig; workers: number } {
  let fileValues: Record<string, unknown> = {};
  let fileWorkers: unknown;
  if (flags.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (error) {
      throw new ConfigError(`invalid --config: cannot read ${flags.config} (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected a readable JSON file`, 'config');
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
  if (flags.append === false) values.appendMode = false;
  const config = validateRunConfig(values);
  const workers = parseWorkers(flags.workers ?? fileWorkers);
  return { config, workers };
}

/** "30,60" → [30, 60]; "none" → []; other items stay strings so validation can quote them. */
export function parseHorizons(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'none') return [];
  return trimmed.split(',').map((item) => numeric(item.trim()));
}

export function parseWorkers(raw: unknown): number {
  if (raw === undefined) return availableParallelism();
  const value = typeof raw === 'string' ? numeric(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 256) {
    throw new ConfigError(`invalid --workers: got ${JSON.stringify(raw)}, expected an integer from 1 to 256 (default: all ${availableParallelism()} cores)`, 'workers');
  }
  return value;
}
