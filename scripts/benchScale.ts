// `npm run bench -- --scale`: 100,000 patients in one run to S3 (versitygw on 127.0.0.1, as the S3
// tests run it), behind a proxy that delays every request by --s3-latency-ms (default 25 ms: a
// real S3 link's 20–50 ms). Watches the commit's heartbeats through Temporal, then measures the
// manifest, `status`, and appending 10 patients to the big dataset against an empty one.
import { execFileSync, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readManifest, writeManifest } from '../src/storage/manifest.ts';
import { openStore } from '../src/storage/openStore.ts';
import { PROJECT_ROOT } from '../src/temporal/devServer.ts';
import { startTestS3 } from '../test/helpers/s3Server.ts';
import { freePort, startTestTemporal } from '../test/helpers/servers.ts';

export interface RunMeasure {
  wallSeconds: number;
  coreSeconds: number;
  peakRssMb: number;
}

export type MeasureCli = (args: string[], env: Record<string, string>, out: string) => Promise<RunMeasure>;

/** A TCP proxy that holds every chunk from the client for `delayMs` before passing it on (order kept). */
async function latencyProxy(targetPort: number, delayMs: number): Promise<{ port: number; close(): void }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Polls the run's commit activity once a second: attempts seen and the longest wait between heartbeats. */
function watchCommit(address: string): {
  stop(): Promise<{ commitSeconds: number; attempts: number; longestHeartbeatGapSeconds: number; heartbeats: number }>;
} {
  let stopped = false;
  const stats = { firstSeen: 0, lastSeen: 0, attempts: 0, longestGap: 0, heartbeats: 0 };
  const loop = (async () => {
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    let lastBeat = 0;
    try {
      while (!stopped) {
        for await (const execution of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
          const description = await client.workflow.getHandle(execution.workflowId).describe();
          for (const activity of description.raw.pendingActivities ?? []) {
            if (activity.activityType?.name !== 'commitDatasetRun') continue;
            const now = Date.now();
            stats.firstSeen ||= now;
            stats.lastSeen = now;
            stats.attempts = Math.max(stats.attempts, activity.attempt ?? 1);
            const beat =
              Number(activity.lastHeartbeatTime?.seconds ?? 0) * 1000 + Math.floor((activity.lastHeartbeatTime?.nanos ?? 0) / 1e6);
            if (beat && beat !== lastBeat) {
              if (lastBeat) stats.longestGap = Math.max(stats.longestGap, beat - lastBeat);
              stats.heartbeats++;
              lastBeat = beat;
            } else if (lastBeat) {
              // No new heartbeat yet: the wait so far counts too.
              stats.longestGap = Math.max(stats.longestGap, now - lastBeat);
            }
          }
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      await connection.close();
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return {
        commitSeconds: (stats.lastSeen - stats.firstSeen) / 1000,
        attempts: stats.attempts,
        longestHeartbeatGapSeconds: stats.longestGap / 1000,
        heartbeats: stats.heartbeats,
      };
    },
  };
}

const cli = (args: string[], env: Record<string, string>) =>
  new Promise<{ seconds: number; stdout: string }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['.cache/build/cli.mjs', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.once('exit', (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - started) / 1000, stdout })
        : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });

export async function scaleBench(measure: MeasureCli, options: { patients: number; latencyMs: number }): Promise<Record<string, unknown>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  execFileSync('bash', ['scripts/ensure-test-tools.sh'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const s3 = await startTestS3();
  const proxy = await latencyProxy(s3.port, options.latencyMs);
  const temporal = await startTestTemporal();
  try {
    const bucketDir = s3.createBucket('bench');
    const env = { ...s3.env, AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${proxy.port}`, TEMPORAL_ADDRESS: temporal.address };
    const big = 's3://bench/scale';
    const watcher = watchCommit(temporal.address);
    const run = await measure(['--patients', String(options.patients), '--days', '0.01'], env, big);
    const commit = await watcher.stop();
    const manifestBytes = statSync(join(bucketDir, 'scale', '_manifest.json')).size;
    // The manifest's rewrite cost: read, parse, serialise and put it back once, over the same link.
    Object.assign(process.env, env);
    const store = openStore(big);
    const rewriteStart = performance.now();
    const manifest = await readManifest(store);
    if (manifest) await writeManifest(store, manifest);
    const manifestRewriteSeconds = (performance.now() - rewriteStart) / 1000;
    const status = await cli(['status', '--out', big, '--json'], env);
    // Appending 10 patients: into the big dataset, then into an empty one (same servers, same link).
    const appendBig = await cli(['generate', '--patients', '10', '--days', '0.01', '--out', big, '--quiet'], env);
    const appendEmpty = await cli(['generate', '--patients', '10', '--days', '0.01', '--out', 's3://bench/empty', '--quiet'], env);
    return {
      patients: options.patients,
      days: 0.01,
      s3LatencyMs: options.latencyMs,
      run,
      commit,
      manifestBytes,
      manifestRewriteSeconds,
      statusSeconds: status.seconds,
      appendTenToBigSeconds: appendBig.seconds,
      appendTenToEmptySeconds: appendEmpty.seconds,
    };
  } finally {
    proxy.close();
    await temporal.stop();
    await s3.stop();
  }
}
