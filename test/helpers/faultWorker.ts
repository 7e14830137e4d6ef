// A test's own worker program: the production activities composed with observers that SIGKILL this
// process at FAULT_CRASH_AT (once: FAULT_MARKER records that it happened), or make an activity fail
// at FAULT_FAIL_AT on every attempt. Started by startFaultWorkers below through the real worker pool.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../../activities/index.ts';
import { runWorker } from '../../src/temporal/worker.ts';
import { workflowBundlePath } from '../../src/temporal/workflowBundle.ts';
import { startWorkerPool, type WorkerPool } from '../../src/temporal/workerPool.ts';

export type CrashPoint = 'batch-mid' | 'commit-after-publish' | 'commit-between-delta-logs';
export type FailPoint = 'batch-fails' | 'commit-fails';

/** Worker processes running this program against `address`; their output lines are collected. */
export async function startFaultWorkers(
  address: string,
  fault: { crashAt?: CrashPoint; marker?: string; failAt?: FailPoint },
  count = 1,
): Promise<{ pool: WorkerPool; lines: string[] }> {
  const lines: string[] = [];
  const env: Record<string, string> = {};
  if (fault.crashAt) env.FAULT_CRASH_AT = fault.crashAt;
  if (fault.marker) env.FAULT_MARKER = fault.marker;
  if (fault.failAt) env.FAULT_FAIL_AT = fault.failAt;
  const pool = startWorkerPool({
    count,
    address,
    bundlePath: await workflowBundlePath(),
    entry: fileURLToPath(import.meta.url),
    env,
    labelPrefix: 'fault worker',
    onLine: (line) => lines.push(line),
  });
  return { pool, lines };
}

function crash(point: CrashPoint): void {
  const marker = process.env.FAULT_MARKER;
  if (process.env.FAULT_CRASH_AT !== point || !marker || existsSync(marker)) return;
  writeFileSync(marker, `${point} ${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGKILL');
}

function fail(point: FailPoint): void {
  if (process.env.FAULT_FAIL_AT === point) throw new Error(`injected failure at ${point} (every attempt)`);
}

// Run as a program (by the pool): be a worker.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runWorker(
    createActivities({
      afterPatient: (batchIndex, patientsDone) => {
        if (patientsDone === 2) crash('batch-mid');
        if (batchIndex === 1 && patientsDone === 1) fail('batch-fails');
      },
      afterCommitStep: (progress) => {
        if (progress.step === 'publishing part files') crash('commit-after-publish');
        if (progress.step === 'writing Delta logs' && progress.done === 2) crash('commit-between-delta-logs');
        if (progress.step === 'reading batch results') fail('commit-fails');
      },
    }),
  );
}
