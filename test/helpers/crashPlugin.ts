// A worker plugin for the crash tests (DIABETIC_TWIN_WORKER_PLUGIN=<this file>): the worker
// process SIGKILLs itself at DIABETIC_TWIN_CRASH_AT, once (a marker file records that it happened),
// or an activity fails there on every attempt.
import { existsSync, writeFileSync } from 'node:fs';
import { registerActivityHooks } from '../../activities/hooks.ts';

function crash(point: string): void {
  if (process.env.DIABETIC_TWIN_CRASH_AT !== point) return;
  const marker = process.env.DIABETIC_TWIN_CRASH_MARKER;
  if (!marker || existsSync(marker)) return;
  writeFileSync(marker, `${point} ${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGKILL');
}

/** Throws at `point` on every attempt: a failure that retrying cannot fix (a broken invariant). */
function fail(point: string): void {
  if (process.env.DIABETIC_TWIN_CRASH_AT === point) throw new Error(`injected failure at ${point} (every attempt)`);
}

registerActivityHooks({
  afterPatient: (batchIndex, patientsDone) => {
    if (patientsDone === 2) crash('batch-mid');
    if (batchIndex === 1 && patientsDone === 1) fail('batch-fails');
  },
  afterCommitStep: (progress) => {
    if (progress.step === 'publishing part files') crash('commit-after-publish');
    if (progress.step === 'writing Delta logs' && progress.done === 2) crash('commit-between-delta-logs');
    if (progress.step === 'reading batch results') fail('commit-fails');
  },
});
