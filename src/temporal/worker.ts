// One worker process: polls the task queue, runs one CPU-bound batch at a time. runWorker takes the
// activities it registers, so the production entry (workerMain.ts) and a test's own worker differ
// only in what they pass.
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogEntry } from '@temporalio/worker';
import { join } from 'node:path';
import type { DatasetActivities } from '../../activities/index.ts';
import { TASK_QUEUE, temporalTarget } from './connection.ts';
import { PROJECT_ROOT } from '../util/projectRoot.ts';

/** What @temporalio/worker logs when a worker registers activities only. */
export const NO_WORKFLOWS_WARNING = 'No workflows registered, not polling for workflow tasks';

/** How long a starting worker waits for its Temporal server to accept connections. */
const SERVER_WAIT_MS = 30_000;

/**
 * A CLI starts its workers and its embedded server at the same time, and a worker may start before
 * a cluster is reachable: wait for the server (up to 30 s), then fail as before.
 */
async function connectWhenServerIsUp(target: ReturnType<typeof temporalTarget>): Promise<NativeConnection> {
  const deadline = Date.now() + SERVER_WAIT_MS;
  for (let delayMs = 50; ; delayMs = Math.min(1000, delayMs * 2)) {
    try {
      return await NativeConnection.connect(target.connectionOptions);
    } catch (error) {
      if (Date.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** Runs this process as a worker until it is told to stop (a signal, or its parent CLI gone). */
export async function runWorker(activities: DatasetActivities): Promise<void> {
  const label = process.env.DIABETIC_TWIN_WORKER_LABEL ?? `worker pid ${process.pid}`;
  // A pool runs the workflow code in its first process only: the others skip the workflow thread
  // and its copy of the bundle. Every pool, including one started by `worker` elsewhere, has such
  // a process, and a pool restarts a process that dies, so workflow tasks always find a worker.
  const runsWorkflows = process.env.DIABETIC_TWIN_ACTIVITIES_ONLY !== '1';
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry: LogEntry) => {
      // The SDK warns when a worker registers no workflows: here that is the design, not a fault.
      if (!runsWorkflows && entry.message === NO_WORKFLOWS_WARNING) return;
      const meta = entry.meta
        ? Object.entries(entry.meta).filter(
            ([k]) => !['sdkComponent', 'taskQueue', 'namespace', 'workflowType', 'taskToken', 'isLocal'].includes(k),
          )
        : [];
      const extras = meta
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`)
        .join(' ');
      process.stdout.write(`${entry.level} [${label}] ${entry.message}${extras ? ' ' + extras : ''}\n`);
    }),
    // Ctrl-C / SIGTERM: stop polling, let the current batch finish or fail cleanly.
    shutdownSignals: ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'],
  });
  const target = temporalTarget();
  const connection = await connectWhenServerIsUp(target);
  const bundlePath = process.env.DIABETIC_TWIN_WORKFLOW_BUNDLE;
  const workflowCode = bundlePath
    ? { workflowBundle: { codePath: bundlePath } }
    : { workflowsPath: join(PROJECT_ROOT, 'workflows/index.ts') };
  const worker = await Worker.create({
    connection,
    namespace: target.namespace,
    taskQueue: TASK_QUEUE,
    ...(runsWorkflows ? workflowCode : {}),
    activities,
    // One batch per process: each process is pinned to one core.
    maxConcurrentActivityTaskExecutions: 1,
    shutdownGraceTime: '20 seconds',
  });
  // Spawned by a CLI's worker pool: stop when that CLI is gone (killed), instead of living on as an orphan.
  const parentPid = Number(process.env.DIABETIC_TWIN_PARENT_PID ?? 0);
  if (parentPid > 0) {
    const watchdog = setInterval(() => {
      if (process.ppid !== parentPid) {
        clearInterval(watchdog);
        process.stdout.write(`WARN [${label}] parent process ${parentPid} is gone; shutting down\n`);
        worker.shutdown();
      }
    }, 2000);
    watchdog.unref();
  }
  process.stdout.write(`INFO [${label}] polling ${TASK_QUEUE} on ${target.address} (namespace ${target.namespace})\n`);
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}
