import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DevServerStartError, startDevServer, type DevServer } from '../../src/temporal/devServer.ts';
import { duckdb } from './duckdb.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The real Temporal dev server (official CLI binary) on a free port, headless, with its state in a temp dir.
 * A free port can be taken between the probe and the server's bind (and the server picks its other
 * ports the same way), so a start-up exit is tried again on a new port, at most three times in all.
 */
export async function startTestTemporal(): Promise<DevServer & { stateDir: string }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'temporal-state-'));
  process.env.DIABETIC_TWIN_STATE_DIR = stateDir;
  for (let attempt = 1; ; attempt++) {
    try {
      const server = await startDevServer({ port: await freePort() });
      return Object.assign(server, { stateDir });
    } catch (error) {
      if (!(error instanceof DevServerStartError) || attempt === 3) throw error;
      process.stderr.write(`[test] ${error.message}; starting again on another port\n`);
    }
  }
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
