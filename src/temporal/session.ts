import { Client, Connection } from '@temporalio/client';
import { isListening, temporalTarget, embeddedPort, embeddedUiPort, type TemporalTarget } from './connection.ts';
import { startDevServer, type DevServer } from './devServer.ts';
import { workflowBundlePath } from './workflowBundle.ts';
import { startWorkerPool, type WorkerPool } from './workerPool.ts';
import type { RunLog } from '../util/logger.ts';

/** The Temporal side of a CLI command: a server (configured, already running, or embedded), a client, workers. */
export interface Session {
  target: TemporalTarget;
  client: Client;
  server?: DevServer;
  workers?: WorkerPool;
  close(): Promise<void>;
}

/** The one way the CLI connects to Temporal (address, namespace, TLS and API key from envconfig). */
export async function connectClient(
  target: TemporalTarget = temporalTarget(),
  options: { connectTimeoutMs?: number } = {},
): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({
    ...target.connectionOptions,
    address: target.address,
    ...(options.connectTimeoutMs ? { connectTimeout: options.connectTimeoutMs } : {}),
  } as never);
  return { connection, client: new Client({ connection, namespace: target.namespace }) };
}

/** `workersElsewhere`: with no worker here, say how to start them (generate and resume with --workers 0). */
export async function openSession(
  log: RunLog,
  options: { startServer: boolean; workers: number; workersElsewhere?: boolean },
): Promise<Session> {
  const target = temporalTarget();
  let startEmbedded = false;
  if (target.configured) {
    log.logger.info(`using Temporal cluster ${target.address} (namespace ${target.namespace})`);
  } else if (await isListening(target.address)) {
    log.logger.info(`using the Temporal server already listening on ${target.address}`);
  } else if (options.startServer) {
    startEmbedded = true;
  } else {
    throw new Error(`no Temporal server at ${target.address}; start one with npm run server, or set TEMPORAL_ADDRESS`);
  }
  // Workers start while the embedded server starts: loading a worker takes ~1.5 s, the server
  // ~0.5 s, and a worker waits for its server (workerMain.ts), so neither waits for the other.
  let workers: WorkerPool | undefined;
  if (options.workers > 0) {
    const bundlePath = await workflowBundlePath();
    workers = startWorkerPool({ count: options.workers, address: target.address, bundlePath, onLine: (l) => log.line(l) });
  }
  let server: DevServer | undefined;
  let connection: Connection;
  let client: Client;
  try {
    if (startEmbedded) {
      server = await startDevServer({ port: embeddedPort(), uiPort: embeddedUiPort() || undefined, onLine: (l) => log.fileLine(l) });
      log.logger.info(`started embedded Temporal dev server on ${server.address}${server.uiUrl ? `; Web UI ${server.uiUrl}` : ''}`);
    }
    ({ connection, client } = await connectClient(target));
  } catch (error) {
    await workers?.stop();
    await server?.stop();
    throw error;
  }
  if (workers) log.logger.info(`started ${options.workers} worker process(es)${workers.pinned ? ', each pinned to one core' : ''}`);
  else if (options.workersElsewhere)
    log.logger.warn(
      `no worker runs here (--workers 0): the run waits for workers started elsewhere with ` +
        `\`TEMPORAL_ADDRESS=${target.address} npm run worker\` (on machines that reach this server and the output location)`,
    );
  return {
    target,
    client,
    server,
    workers,
    async close() {
      await workers?.stop();
      await connection.close();
      await server?.stop();
    },
  };
}
