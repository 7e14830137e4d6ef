import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_HOST, isListening } from './connection.ts';

import { PROJECT_ROOT } from '../util/projectRoot.ts';

export { PROJECT_ROOT };
export const TEMPORAL_BINARY = join(PROJECT_ROOT, '.tools/bin/temporal');
/** Embedded server state lives here so an interrupted run can be resumed (DIABETIC_TWIN_STATE_DIR overrides). */
export const stateDirectory = () => process.env.DIABETIC_TWIN_STATE_DIR ?? join(PROJECT_ROOT, '.temporal');

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The dev server process ended before it accepted connections (its last output line is in the message). */
export class DevServerStartError extends Error {
  override name = 'DevServerStartError';
}

/** How long the embedded server keeps a closed run (a resume or a look in the Web UI fits in it). */
export const EMBEDDED_RETENTION = '24h';
export const EMBEDDED_NAMESPACE_DESCRIPTION = `diabetic-twin embedded server: closed runs kept ${EMBEDDED_RETENTION}`;

/**
 * Starts the official Temporal CLI dev server (`temporal server start-dev`) on 127.0.0.1 with its
 * state in a SQLite file, and waits until it accepts connections.
 */
export async function startDevServer(options: { port: number; uiPort?: number; onLine?: (line: string) => void }): Promise<DevServer> {
  const dir = stateDirectory();
  mkdirSync(dir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    EMBEDDED_HOST,
    '--port',
    String(options.port),
    '--db-filename',
    join(dir, 'temporal-dev.db'),
    '--log-level',
    'warn',
    '--namespace',
    'default',
  ];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-ip', EMBEDDED_HOST);
  else args.push('--headless');
  const child = spawn(TEMPORAL_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  // The last line the server printed goes into a start-up error, so it says why (a port taken, a locked state file).
  let lastLine = 'it printed nothing';
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      options.onLine?.(`[temporal] ${line}`);
      lastLine = line.trim();
    }
  };
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);
  const address = `${EMBEDDED_HOST}:${options.port}`;
  // 'close' comes once the process has exited and its output is read, so lastLine is its last word.
  let closed = false;
  child.once('close', () => (closed = true));
  const deadline = Date.now() + 60_000;
  while (!(await isListening(address))) {
    if (closed) throw new DevServerStartError(`the Temporal dev server on port ${options.port} exited during start-up: ${lastLine}`);
    if (Date.now() > deadline) throw new Error('the Temporal dev server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  // The state file would otherwise keep every run ever made: a closed run's history is deleted a
  // day after it closes (the dev server's default today, set here so it stays the contract), and
  // SQLite reuses the freed pages, so .temporal/ stays about a day of runs in size.
  await new Promise<void>((resolve, reject) =>
    execFile(
      TEMPORAL_BINARY,
      [
        'operator',
        'namespace',
        'update',
        '--address',
        address,
        '--retention',
        EMBEDDED_RETENTION,
        '--description',
        EMBEDDED_NAMESPACE_DESCRIPTION,
        'default',
      ],
      (error) => (error ? reject(new Error(`could not set the embedded server's retention: ${error.message}`)) : resolve()),
    ),
  );
  return {
    address,
    uiUrl: options.uiPort ? `http://${EMBEDDED_HOST}:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopProcess(child),
  };
}

export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
