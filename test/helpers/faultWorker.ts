// A test's own worker program: the production activities composed with observers that SIGKILL this
// process at FAULT_CRASH_AT (once: FAULT_MARKER records that it happened), or make an activity fail
// at FAULT_FAIL_AT on every attempt, or hold at FAULT_HOLD_AT (once) until the test creates the file
// FAULT_RELEASE. Started by startFaultWorkers below through the real worker pool.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../../activities/index.ts';
import { leaseHolderState } from '../../src/temporal/leaseHolder.ts';
import { runWorker } from '../../src/temporal/worker.ts';
import { workflowBundlePath } from '../../src/temporal/workflowBundle.ts';
import { startWorkerPool, type WorkerPool } from '../../src/temporal/workerPool.ts';

export type CrashPoint = 'batch-mid' | 'commit-after-publish' | 'commit-between-delta-logs';
export type FailPoint = 'batch-fails' | 'commit-fails';
export type HoldPoint = 'commit-start';

/** The file a held worker creates when it reaches its hold point (the test then acts and releases it). */
export const heldMarker = (release: string): string => `${release}.reached`;

/** Worker processes running this program against `address`; their output lines are collected. */
export async function startFaultWorkers(
  address: string,
  fault: { crashAt?: CrashPoint; marker?: string; failAt?: FailPoint; holdAt?: HoldPoint; release?: string },
  count = 1,
): Promise<{ pool: WorkerPool; lines: string[] }> {
  const lines: string[] = [];
  const named = {
    FAULT_CRASH_AT: fault.crashAt,
    FAULT_MARKER: fault.marker,
    FAULT_FAIL_AT: fault.failAt,
    FAULT_HOLD_AT: fault.holdAt,
    FAULT_RELEASE: fault.release,
  };
  const env = Object.fromEntries(Object.entries(named).filter((entry): entry is [string, string] => entry[1] !== undefined));
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

/** Blocks this worker (the whole process, as a stalled disk or a paused VM would) until the release file exists. */
function hold(point: HoldPoint): void {
  const release = process.env.FAULT_RELEASE;
  if (process.env.FAULT_HOLD_AT !== point || !release || existsSync(heldMarker(release))) return;
  writeFileSync(heldMarker(release), `${point} ${new Date().toISOString()}\n`);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(release)) Atomics.wait(sleeper, 0, 0, 100);
}

// Run as a program (by the pool): be a worker.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runWorker(
    createActivities({
      leaseHolderState,
      afterPatient: (batchIndex, patientsDone) => {
        if (patientsDone === 2) crash('batch-mid');
        if (batchIndex === 1 && patientsDone === 1) fail('batch-fails');
      },
      afterCommitStep: (progress) => {
        if (progress.step === 'publishing part files') crash('commit-after-publish');
        if (progress.step === 'writing Delta logs' && progress.done === 2) crash('commit-between-delta-logs');
        if (progress.step === 'reading batch results') {
          fail('commit-fails');
          if (progress.done === 1) hold('commit-start');
        }
      },
    }),
  );
}
