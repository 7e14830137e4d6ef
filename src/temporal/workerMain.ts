// The project targets Node 20 (the machine's); the AWS SDK's Node-22 notice would break one-line errors.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// One worker process: polls the task queue, runs one CPU-bound batch at a time.
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogEntry } from '@temporalio/worker';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as activities from '../../activities/index.ts';
import { TASK_QUEUE, temporalTarget } from './connection.ts';
import { PROJECT_ROOT } from '../util/projectRoot.ts';

const label = process.env.DIABETIC_TWIN_WORKER_LABEL ?? `worker pid ${process.pid}`;

Runtime.install({
  logger: new DefaultLogger('INFO', (entry: LogEntry) => {
    const meta = entry.meta ? Object.entries(entry.meta).filter(([k]) => !['sdkComponent', 'taskQueue', 'namespace', 'workflowType', 'taskToken', 'isLocal'].includes(k)) : [];
    const extras = meta.map(([k, v]) => `${k}=${typeof v === 'string' ? v : v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`).join(' ');
    process.stdout.write(`${entry.level} [${label}] ${entry.message}${extras ? ' ' + extras : ''}\n`);
  }),
  // Ctrl-C / SIGTERM: stop polling, let the current batch finish or fail cleanly.
  shutdownSignals: ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'],
});

// Optional worker plugin: a module that registers activity hooks (the fault tests use one).
const plugin = process.env.DIABETIC_TWIN_WORKER_PLUGIN;
if (plugin) await import(pathToFileURL(plugin).href);

const target = temporalTarget();
const connection = await NativeConnection.connect(target.connectionOptions);
const bundlePath = process.env.DIABETIC_TWIN_WORKFLOW_BUNDLE;
const worker = await Worker.create({
  connection,
  namespace: target.namespace,
  taskQueue: TASK_QUEUE,
  ...(bundlePath
    ? { workflowBundle: { codePath: bundlePath } }
    : { workflowsPath: join(PROJECT_ROOT, 'workflows/index.ts') }),
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
