// `trial`: a paired in-silico trial of therapies on the same simulated patients (src/trial).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DEFAULT_CONFIG, formatMix, validateRunConfig } from '../../config/config.ts';
import { THERAPIES, type Therapy } from '../../domain/cohort.ts';
import { EXIT, exitFor } from '../failures.ts';
import { numeric } from '../runOptions.ts';

export const DEFAULT_TRIAL_DIR = 'trial_output';
export const DEFAULT_TRIAL_PATIENTS = 100;
export const DEFAULT_TRIAL_DAYS = 7;
export const DEFAULT_ARMS: Therapy[] = ['mdi', 'aid'];
export const MAX_TRIAL_PATIENTS = 100_000;

export interface TrialFlags {
  patients?: string;
  arms?: string;
  ageMix?: string;
  days?: string;
  seed?: string;
  out?: string;
}

/** "mdi,aid" → ['mdi', 'aid']: two or more distinct therapies, the first the baseline. */
export function parseArms(text: string): Therapy[] {
  const arms = text.split(',').map((item) => item.trim());
  const allowed = `two or more distinct therapies of ${THERAPIES.join(', ')}, comma-separated, the first the baseline (e.g. mdi,aid)`;
  for (const arm of arms) {
    if (!(THERAPIES as readonly string[]).includes(arm))
      throw new ConfigError(`invalid --arms: unknown therapy ${JSON.stringify(arm)}; expected ${allowed}`, 'arms');
  }
  if (arms.length < 2 || new Set(arms).size !== arms.length)
    throw new ConfigError(`invalid --arms: got ${JSON.stringify(text)}, expected ${allowed}`, 'arms');
  return arms as Therapy[];
}

export function registerTrial(program: Command): void {
  program
    .command('trial')
    .description(
      'Paired in-silico trial: the same patients live the same days under each therapy arm; prints per-arm ' +
        'CGM outcomes and paired differences (each arm − the first) with 95 % CIs next to published RCT ' +
        'effects, and writes trial.json.',
    )
    .option('--patients <n>', `patients, each simulated under every arm (default ${DEFAULT_TRIAL_PATIENTS})`)
    .option(
      '--arms <list>',
      `therapies to compare, the first the baseline: any of ${THERAPIES.join(', ')} (default ${DEFAULT_ARMS.join(',')})`,
    )
    .option(
      '--age-mix <shares>',
      `shares of age groups child, adolescent, adult, summing to 1 (default ${formatMix(DEFAULT_CONFIG.ageMix)})`,
    )
    .option('--days <n>', `days simulated per patient and arm (default ${DEFAULT_TRIAL_DAYS})`)
    .option('--seed <n>', `random seed (default ${DEFAULT_CONFIG.randomSeed})`)
    .option('--out <dir>', `directory for trial.json (default ${DEFAULT_TRIAL_DIR})`)
    .addHelpText(
      'after',
      '\nExamples:\n  npm run trial -- --patients 200 --arms mdi,aid --age-mix adult:1\n  npm run trial -- --arms pump,aid --age-mix child:1 --days 14',
    )
    .action(async (flags: TrialFlags) => {
      process.exitCode = await trial(flags);
    });
}

export async function trial(flags: TrialFlags): Promise<number> {
  let options;
  try {
    const arms = parseArms(flags.arms ?? DEFAULT_ARMS.join(','));
    const patientsText = flags.patients ?? String(DEFAULT_TRIAL_PATIENTS);
    const patients = Number(patientsText);
    if (!/^\d+$/.test(patientsText.trim()) || patients < 2 || patients > MAX_TRIAL_PATIENTS) {
      throw new ConfigError(
        `invalid --patients: got ${JSON.stringify(patientsText)}, expected an integer from 2 to ${MAX_TRIAL_PATIENTS}`,
        'patients',
      );
    }
    // Days, seed and age mix follow the same rules (and one-line errors) as generate's.
    const config = validateRunConfig({
      simulationDaysPerPatient: flags.days === undefined ? DEFAULT_TRIAL_DAYS : numeric(flags.days),
      randomSeed: flags.seed === undefined ? DEFAULT_CONFIG.randomSeed : numeric(flags.seed),
      ageMix: flags.ageMix ?? DEFAULT_CONFIG.ageMix,
    });
    options = { patients, arms, ageMix: config.ageMix, days: config.simulationDaysPerPatient, seed: config.randomSeed };
  } catch (error) {
    return exitFor(error);
  }
  const directory = resolve(flags.out ?? DEFAULT_TRIAL_DIR);
  const { formatTrial, runPairedTrial } = await import('../../trial/pairedTrial.ts');
  const startedAt = Date.now();
  const result = runPairedTrial(options, (done) => {
    if (process.stderr.isTTY && (done % 10 === 0 || done === options.patients))
      process.stderr.write(`\r  ${done}/${options.patients} patients`);
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  // Written whole or not at all: a temporary file renamed into place.
  mkdirSync(directory, { recursive: true });
  const path = join(directory, 'trial.json');
  writeFileSync(`${path}.tmp`, JSON.stringify(result, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
  process.stdout.write(
    `${formatTrial(result)}\n\n${options.patients} patients × ${options.arms.length} arms in ` +
      `${((Date.now() - startedAt) / 1000).toFixed(1)} s; trial.json: ${path}\n`,
  );
  return EXIT.ok;
}
