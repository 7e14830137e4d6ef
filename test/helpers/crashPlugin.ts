// A worker plugin for the crash tests (DIABETIC_TWIN_WORKER_PLUGIN=<this file>): the worker
// process SIGKILLs itself at DIABETIC_TWIN_CRASH_AT, once (a marker file records that it happened).
import { existsSync, writeFileSync } from 'node:fs';
import { registerActivityHooks } from '../../activities/hooks.ts';

function crash(point: string): void {
  if (process.env.DIABETIC_TWIN_CRASH_AT !== point) return;
  const marker = process.env.DIABETIC_TWIN_CRASH_MARKER;
  if (!marker || existsSync(marker)) return;
  writeFileSync(marker, `${point} ${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGKILL');
}

registerActivityHooks({
  afterPatient: (_batchIndex, patientsDone) => patientsDone === 2 && crash('batch-mid'),
  afterCommitStep: (progress) => progress.step === 'publishing part files' && crash('commit-after-publish'),
});
