import { z } from 'zod';
import { CGM_DEVICES, type CgmDevice } from '../domain/cgm.ts';
import { AGE_GROUPS, THERAPIES, type AgeMix, type TherapyMix } from '../domain/cohort.ts';

/** The product's defaults (the original tool's): 1000 patients × 3 days, window 5, 70/15/15. */
export const DEFAULT_CONFIG: Readonly<RunConfig> = {
  numPatients: 1000,
  simulationDaysPerPatient: 3,
  windowSizeMinutes: 5,
  outputDir: 'ml_dataset_output',
  trainSplit: 0.7,
  valSplit: 0.15,
  batchSize: 50,
  randomSeed: 42,
  appendMode: true,
  // Forecasting horizons (OhioT1DM BGLP scores 30 and 60 min): targets and early-warning labels.
  forecastHorizonsMinutes: [30, 60] as number[],
  // Cohort mix (docs/COMMANDS.md "Why these defaults", docs/PHYSIOLOGY.md): pump-delivered insulin (pump + AID) 65 %, as
  // the T1D Exchange registry's 63 % pump use (Foster et al. 2019); 30 % under 18.
  therapyMix: { mdi: 0.35, pump: 0.25, aid: 0.4 } as TherapyMix,
  ageMix: { child: 0.15, adolescent: 0.15, adult: 0.7 } as AgeMix,
  // The CGM (docs/COMMANDS.md "Why these defaults"): a one-minute device, so every minute window holds a fresh reading.
  cgmDevice: 'libre3' as CgmDevice,
  cgmGaps: false,
  withTruth: false,
  // How long a run waits on storage before it ends (docs/OPERATIONS.md "When storage fails"):
  // refused credentials, a missing bucket or a read-only disk do not mend themselves, and a nightly
  // run that waits on them only blocks the next night's; 15 minutes covers a secret being rotated
  // and someone reading the message. An outage (network, 5xx, a full disk) may pass: a day.
  storagePatience: '15m',
  outagePatience: '1d',
};

/** `90s`, `30m`, `2h`, `1d` (also fractions, `1.5h`): a duration from 1 second to 30 days. */
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;
const DURATION_UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const MAX_PATIENCE_MS = 30 * 86_400_000;

/** Milliseconds of a duration text (`90s`, `30m`, `2h`, `1d`); NaN if it is not one. */
export function durationMs(text: string): number {
  const match = DURATION.exec(text.trim());
  return match ? Number(match[1]) * DURATION_UNIT_MS[match[2]!]! : Number.NaN;
}
const durationSchema = z.string().refine((text) => {
  const ms = durationMs(text);
  return ms >= 1000 && ms <= MAX_PATIENCE_MS;
});

export const MIN_HORIZON_MINUTES = 2;
export const MAX_HORIZON_MINUTES = 720;

/** The names each mix shares out, and an example of each as the CLI takes it. */
const MIX_NAMES = { therapyMix: THERAPIES, ageMix: AGE_GROUPS } as const;
const MIX_EXAMPLE = { therapyMix: 'mdi:0.35,pump:0.25,aid:0.4', ageMix: 'child:0.15,adolescent:0.15,adult:0.7' } as const;

/** A complete mix: every name with its share (normaliseMix has checked the shares and their sum). */
const mixSchema = <const Names extends readonly [string, ...string[]]>(names: Names) => z.record(z.enum(names), z.number());

/** "mdi:0.35,pump:0.25" → { mdi: 0.35, pump: 0.25 }; a malformed item stays as text so validation names it. */
export function parseMixText(text: string): Record<string, unknown> {
  const mix: Record<string, unknown> = {};
  for (const item of text.split(',')) {
    const match = /^\s*([A-Za-z]+)\s*:\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)\s*$/.exec(item);
    if (!match) return { [item.trim() || '(empty)']: item };
    mix[match[1]!] = Number(match[2]);
  }
  return mix;
}

/** A mix as the CLI writes it: "mdi:0.35,pump:0.25,aid:0.4" (zero shares left out). */
export function formatMix(mix: Record<string, number>): string {
  return Object.entries(mix)
    .filter(([, share]) => share > 0)
    .map(([name, share]) => `${name}:${share}`)
    .join(',');
}

export const MAX_PATIENTS_PER_RUN = 10_000_000;
export const MAX_DAYS = 365;

/**
 * The run configuration: the one JSON argument of the `generateDataset` workflow. Workers
 * count is not part of it (it is how the run is executed, not what it produces).
 */
export const runConfigSchema = z
  .object({
    numPatients: z.number().int().min(1).max(MAX_PATIENTS_PER_RUN),
    simulationDaysPerPatient: z.number().finite().gt(0).max(MAX_DAYS),
    windowSizeMinutes: z.number().int().min(1).max(1440),
    outputDir: z.string().trim().min(1),
    trainSplit: z.number().finite().gt(0).lt(1),
    valSplit: z.number().finite().min(0).lt(1),
    batchSize: z.number().int().min(1).max(10_000),
    randomSeed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    appendMode: z.boolean(),
    // Omitted (a config written before horizons existed): the defaults.
    forecastHorizonsMinutes: z
      .array(z.number().int().min(MIN_HORIZON_MINUTES).max(MAX_HORIZON_MINUTES))
      .refine((list) => new Set(list).size === list.length)
      .transform((list) => [...list].sort((a, b) => a - b))
      .default(() => [...DEFAULT_CONFIG.forecastHorizonsMinutes]),
    therapyMix: mixSchema(THERAPIES),
    ageMix: mixSchema(AGE_GROUPS),
    cgmDevice: z.enum(CGM_DEVICES),
    cgmGaps: z.boolean(),
    withTruth: z.boolean(),
    storagePatience: durationSchema,
    outagePatience: durationSchema,
  })
  .strict();

export type RunConfig = z.output<typeof runConfigSchema>;

/** Human description of each field's allowed values, used in one-line error messages. */
const ALLOWED: Record<keyof RunConfig, string> = {
  numPatients: `an integer from 1 to ${MAX_PATIENTS_PER_RUN}`,
  simulationDaysPerPatient: `a number > 0 and <= ${MAX_DAYS} (fractions allowed, e.g. 0.25)`,
  windowSizeMinutes: 'an integer from 1 to 1440, shorter than the simulated minutes',
  outputDir: 'a non-empty local path or s3://bucket/prefix',
  trainSplit: 'a number > 0 and < 1; trainSplit + valSplit < 1',
  valSplit: 'a number >= 0 and < 1; trainSplit + valSplit < 1',
  batchSize: 'an integer from 1 to 10000',
  randomSeed: 'an integer from 0 to 4294967295',
  appendMode: 'true or false',
  forecastHorizonsMinutes: `a list of distinct integers from ${MIN_HORIZON_MINUTES} to ${MAX_HORIZON_MINUTES} (minutes ahead), e.g. 30,60; or none`,
  therapyMix: `shares of ${THERAPIES.join(', ')} (each >= 0, summing to 1), e.g. ${MIX_EXAMPLE.therapyMix}`,
  ageMix: `shares of ${AGE_GROUPS.join(', ')} (each >= 0, summing to 1), e.g. ${MIX_EXAMPLE.ageMix}`,
  cgmDevice: `one of ${CGM_DEVICES.join(', ')}`,
  cgmGaps: 'true or false',
  withTruth: 'true or false',
  storagePatience: 'a duration from 1s to 30d, e.g. 90s, 30m, 2h, 1d',
  outagePatience: 'a duration from 1s to 30d, e.g. 90s, 30m, 2h, 1d',
};

/** The CLI option that sets each config field, so errors speak the user's language. */
export const CLI_OPTION: Record<keyof RunConfig, string> = {
  numPatients: '--patients',
  simulationDaysPerPatient: '--days',
  windowSizeMinutes: '--window',
  outputDir: '--out',
  trainSplit: '--train-split',
  valSplit: '--val-split',
  batchSize: '--batch-size',
  randomSeed: '--seed',
  appendMode: '--no-append',
  forecastHorizonsMinutes: '--horizons',
  therapyMix: '--therapy-mix',
  ageMix: '--age-mix',
  cgmDevice: '--cgm-device',
  cgmGaps: '--cgm-gaps',
  withTruth: '--with-truth',
  storagePatience: '--storage-patience',
  outagePatience: '--outage-patience',
};

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

function describeField(field: string): string {
  const option = (CLI_OPTION as Record<string, string>)[field];
  return option ? `${field} (${option})` : field;
}

/** Validates a config (omitted keys: the defaults); throws ConfigError with one line naming the field and the allowed range. */
export function validateRunConfig(input: unknown): RunConfig {
  // A run started from the Temporal CLI or a schedule may give only some keys: the rest take the
  // defaults of `npm run generate` (unknown keys are still refused by the strict schema).
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const withDefaults: Record<string, unknown> = { ...DEFAULT_CONFIG, ...input };
    for (const key of MIX_KEYS) withDefaults[key] = normaliseMix(withDefaults[key], key);
    input = withDefaults;
  }
  const parsed = runConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join(', ');
      throw new ConfigError(`unknown config key ${keys}; allowed keys: ${Object.keys(ALLOWED).join(', ')}`, issue.keys[0]);
    }
    const field = String(issue.path[0] ?? 'config');
    const allowed = (ALLOWED as Record<string, string>)[field] ?? 'a valid value';
    const received = input && typeof input === 'object' ? (input as Record<string, unknown>)[field] : input;
    throw new ConfigError(
      `invalid ${describeField(field)}: got ${JSON.stringify(received) ?? String(received)}, expected ${allowed}`,
      field,
    );
  }
  const config = parsed.data;
  if (config.trainSplit + config.valSplit >= 1 - 1e-9) {
    throw new ConfigError(
      `invalid trainSplit + valSplit (--train-split, --val-split): ${config.trainSplit} + ` +
        `${config.valSplit} >= 1; the test split needs the rest, so their sum must be < 1`,
      'trainSplit',
    );
  }
  const totalMinutes = simulatedMinutes(config);
  if (config.windowSizeMinutes + 1 > totalMinutes) {
    throw new ConfigError(
      `invalid ${describeField('windowSizeMinutes')}: window of ${config.windowSizeMinutes} min needs more ` +
        `than ${config.windowSizeMinutes} simulated minutes, but ${config.simulationDaysPerPatient} day(s) ` +
        `give ${totalMinutes}; use a shorter window or more days`,
      'windowSizeMinutes',
    );
  }
  return config;
}

/**
 * A mix given as text ("mdi:0.35,pump:0.25,aid:0.4") or as an object, checked — one line that
 * names an unknown name, a bad share or the sum — and completed: names left out get 0.
 */
function normaliseMix(raw: unknown, key: MixKey): Record<string, number> {
  const names: readonly string[] = MIX_NAMES[key];
  const mix = typeof raw === 'string' ? parseMixText(raw) : raw;
  const field = describeField(key);
  if (!mix || typeof mix !== 'object' || Array.isArray(mix)) {
    throw new ConfigError(`invalid ${field}: got ${JSON.stringify(raw)}, expected ${ALLOWED[key]}`, key);
  }
  let sum = 0;
  for (const [name, share] of Object.entries(mix)) {
    if (!names.includes(name)) {
      throw new ConfigError(
        `invalid ${field}: unknown name ${JSON.stringify(name)}; allowed names: ${names.join(', ')} (e.g. ${MIX_EXAMPLE[key]})`,
        key,
      );
    }
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
      throw new ConfigError(`invalid ${field}: share of ${name} is ${JSON.stringify(share)}, expected a number from 0 to 1`, key);
    }
    sum += share;
  }
  if (Math.abs(sum - 1) > 1e-9) {
    throw new ConfigError(`invalid ${field}: shares sum to ${Number(sum.toPrecision(12))}, expected 1 (± 1e-9); ${ALLOWED[key]}`, key);
  }
  return Object.fromEntries(names.map((name) => [name, (mix as Record<string, number>)[name] ?? 0]));
}

/**
 * The keys an append that leaves one out takes from the dataset's last run (plan.ts): the cohort's
 * mixes and the sensor's contract (device, gaps, truth column), so a schedule that names none of
 * them keeps the dataset's.
 */
export const INHERITED_KEYS = ['therapyMix', 'ageMix', 'cgmDevice', 'cgmGaps', 'withTruth'] as const;
const MIX_KEYS = ['therapyMix', 'ageMix'] as const;
type MixKey = (typeof MIX_KEYS)[number];
export type InheritedKey = (typeof INHERITED_KEYS)[number];

/** The inherited keys a raw config (CLI flags, Temporal CLI --input, a schedule's action) does not give. */
export function omittedInheritedKeys(input: unknown): InheritedKey[] {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return [];
  return INHERITED_KEYS.filter((key) => (input as Record<string, unknown>)[key] === undefined);
}

/** The config with its inherited keys `keys` dropped: sent to the workflow so the plan can inherit them. */
export function withoutInheritedKeys(config: RunConfig, keys: readonly InheritedKey[]): Partial<RunConfig> {
  const rest: Partial<RunConfig> = { ...config };
  for (const key of keys) delete rest[key];
  return rest;
}

/** Whole minutes simulated per patient. */
export function simulatedMinutes(config: Pick<RunConfig, 'simulationDaysPerPatient'>): number {
  return Math.round(config.simulationDaysPerPatient * 1440);
}

/** Windows per patient at stride 1: a window ends at m >= W-1 with m+1 < total. */
export function windowsPerPatient(config: Pick<RunConfig, 'simulationDaysPerPatient' | 'windowSizeMinutes'>): number {
  return Math.max(0, simulatedMinutes(config) - config.windowSizeMinutes);
}
