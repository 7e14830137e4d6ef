import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { PROJECT_ROOT, stopProcess } from './devServer.ts';

export interface WorkerPoolOptions {
  count: number;
  address: string;
  bundlePath: string;
  onLine: (line: string) => void;
  /** First core to pin to (workers take cores first, first+1, …, wrapping). */
  firstCore?: number;
  labelPrefix?: string;
  /**
   * Another worker program (TypeScript, run through tsx) in place of the production one: a test's
   * worker that composes the activities with its own observers. Its extra environment in `env`.
   */
  entry?: string;
  env?: Record<string, string>;
}

export interface WorkerPool {
  readonly pinned: boolean;
  /** Child processes currently alive, by slot. */
  readonly processes: (ChildProcess | undefined)[];
  restarts: number;
  stop(): Promise<void>;
}

const TASKSET = '/usr/bin/taskset';

/**
 * How to start a worker: a given entry through tsx; else the worker bundle when this code runs
 * from the CLI bundle (what the npm scripts run), or the TypeScript sources through tsx (tests,
 * development).
 */
function workerCommandArgs(entry: string | undefined): string[] {
  if (entry) return ['--import', 'tsx', entry];
  const here = fileURLToPath(import.meta.url);
  if (basename(here) === 'cli.mjs') return [join(dirname(here), 'worker.mjs')];
  return ['--import', 'tsx', join(PROJECT_ROOT, 'src/temporal/workerMain.ts')];
}

/** Passes a worker's output on line by line, each labelled with the worker's name once. */
export function forwardLines(stream: Readable, label: string, onLine: (line: string) => void): void {
  // readline joins a line that the pipe delivered in two chunks.
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    if (line.trim()) onLine(line.includes(`[${label}]`) ? line : `[${label}] ${line}`);
  });
}

/**
 * Starts N worker processes, each pinned to one core with `taskset -c i` (Linux; unpinned
 * elsewhere, said in the log). A worker that dies is restarted, after a short pause.
 */
export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const cores = availableParallelism();
  const pinned = process.platform === 'linux' && existsSync(TASKSET);
  if (!pinned) options.onLine('worker processes are not pinned to cores (taskset unavailable on this platform)');
  let stopping = false;
  const processes: (ChildProcess | undefined)[] = new Array(options.count).fill(undefined);
  const pool: WorkerPool = {
    pinned,
    processes,
    restarts: 0,
    async stop() {
      stopping = true;
      await Promise.all(processes.map((child) => (child ? stopProcess(child, 25_000) : undefined)));
    },
  };

  const launch = (slot: number) => {
    const core = ((options.firstCore ?? 0) + slot) % cores;
    const label = `${options.labelPrefix ?? 'worker'} ${slot + 1}${pinned ? ` core ${core}` : ''}`;
    // A worker has one core: V8's parallel and concurrent garbage collection would only make its
    // helper threads take turns with the JavaScript thread on it, and synchronise with it on top
    // (measured in the default run: helper threads took ~2.4 core-s per worker with V8's defaults,
    // ~1.2 with the collector on the JavaScript thread, which itself did not grow by the difference).
    const nodeArgs = ['--single-threaded-gc', ...workerCommandArgs(options.entry)];
    const command = pinned ? TASKSET : process.execPath;
    const args = pinned ? ['-c', String(core), process.execPath, ...nodeArgs] : nodeArgs;
    const child = spawn(command, args, {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        // DuckDB's Parquet writer allocates and frees a row group's buffers for every file on the
        // libuv thread that runs the COPY, and each thread keeps what it freed for itself: one libuv
        // thread and one glibc arena let every file reuse what the last one freed (measured: the
        // default run's tree peak ~230 MB lower). Nothing waits on that thread while a COPY runs:
        // the rows it pulls are produced synchronously on the JavaScript thread.
        UV_THREADPOOL_SIZE: '1',
        MALLOC_ARENA_MAX: '1',
        ...process.env,
        ...options.env,
        TEMPORAL_ADDRESS: options.address,
        DIABETIC_TWIN_WORKFLOW_BUNDLE: options.bundlePath,
        DIABETIC_TWIN_WORKER_LABEL: label,
        DIABETIC_TWIN_PARENT_PID: String(process.pid),
        DIABETIC_TWIN_ACTIVITIES_ONLY: slot === 0 ? '0' : '1',
      },
    });
    processes[slot] = child;
    forwardLines(child.stdout!, label, options.onLine);
    forwardLines(child.stderr!, label, options.onLine);
    child.once('exit', (code, signal) => {
      processes[slot] = undefined;
      if (stopping) return;
      pool.restarts++;
      options.onLine(`WARN [${label}] exited (${signal ?? `code ${code}`}); restarting it`);
      setTimeout(() => !stopping && launch(slot), 1000);
    });
  };
  for (let slot = 0; slot < options.count; slot++) launch(slot);
  return pool;
}
