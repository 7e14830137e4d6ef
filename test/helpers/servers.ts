import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DevServerStartError, startDevServer, type DevServer } from '../../src/temporal/devServer.ts';
import { duckdb } from './duckdb.ts';

/** Linux hands connections their local ports from this range; a port below it is never taken by one. */
function ephemeralRangeStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const EPHEMERAL_RANGE_START = ephemeralRangeStart();

function bindable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/**
 * A port on 127.0.0.1 that is free now, drawn below the ephemeral range, so that no outgoing
 * connection (a client, Spark, the servers' own peers) can take it as its local port before the
 * server that asked for it binds it. Port 0 (any free port) if none is found there.
 */
export async function freePort(): Promise<number> {
  const low = 20_000;
  const high = EPHEMERAL_RANGE_START - 1;
  for (let tries = 0; high > low && tries < 50; tries++) {
    const port = await bindable(low + Math.floor(Math.random() * (high - low + 1)));
    if (port) return port;
  }
  const any = await bindable(0);
  if (!any) throw new Error('no free port on 127.0.0.1');
  return any;
}

/**
 * Starts a server on a free port and returns what `start` returns. A free port can still be taken
 * between the probe and the server's bind (and a server may pick ports of its own the same way), so
 * a start that fails with `exitedDuringStartUp(error)` is tried again on a new port, at most three
 * times in all.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, exitedDuringStartUp: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (!exitedDuringStartUp(error) || attempt === 3) throw error;
      process.stderr.write(`[test] ${(error as Error).message}; starting again on another port\n`);
    }
  }
}

/** The real Temporal dev server (official CLI binary) on a free port, headless, with its state in a temp dir. */
export async function startTestTemporal(): Promise<DevServer & { stateDir: string }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'temporal-state-'));
  process.env.DIABETIC_TWIN_STATE_DIR = stateDir;
  const server = await onFreePort(
    (port) => startDevServer({ port }),
    (error) => error instanceof DevServerStartError,
  );
  return Object.assign(server, { stateDir });
}

/** Environment for a CLI that must start its own embedded dev server on a free port (headless, own state). */
export async function embeddedServerEnv(): Promise<{ port: number; env: Record<string, string | undefined> }> {
  const port = await freePort();
  return {
    port,
    env: {
      TEMPORAL_ADDRESS: undefined,
      DIABETIC_TWIN_TEMPORAL_PORT: String(port),
      DIABETIC_TWIN_TEMPORAL_UI_PORT: '0',
      DIABETIC_TWIN_STATE_DIR: mkdtempSync(join(tmpdir(), 'embedded-state-')),
    },
  };
}

/** The usual end-to-end set-up: a real Temporal server, the env that points the CLI at it, a DuckDB reader. */
export async function startTemporalWithDuckdb(): Promise<{ server: DevServer; env: Record<string, string>; db: DuckDBConnection }> {
  const server = await startTestTemporal();
  return { server, env: { TEMPORAL_ADDRESS: server.address }, db: await duckdb() };
}
