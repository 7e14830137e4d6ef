import { createHash } from 'node:crypto';
import { createConnection } from 'node:net';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';

export { TASK_QUEUE, WORKFLOW_TYPE } from './names.ts';

/** Where the embedded dev server listens unless told otherwise (tests use free ports). */
export const EMBEDDED_HOST = '127.0.0.1';
export const embeddedPort = () => Number(process.env.DIABETIC_TWIN_TEMPORAL_PORT ?? 7233);
export const embeddedUiPort = () => Number(process.env.DIABETIC_TWIN_TEMPORAL_UI_PORT ?? 8233);

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** True when TEMPORAL_ADDRESS or a temporal.toml profile names the cluster. */
  configured: boolean;
  connectionOptions: NativeConnectionOptions;
}

/** The cluster to use: @temporalio/envconfig (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, API key, TLS, profiles), else the embedded server. */
export function temporalTarget(): TemporalTarget {
  const loaded = loadClientConnectConfig();
  const configuredAddress = loaded.connectionOptions.address;
  const address = configuredAddress ?? `${EMBEDDED_HOST}:${embeddedPort()}`;
  return {
    address,
    namespace: loaded.namespace ?? 'default',
    configured: configuredAddress !== undefined,
    connectionOptions: { ...loaded.connectionOptions, address },
  };
}

/** Workflow id of a dataset: one running generation per dataset location. */
export function workflowIdFor(location: string): string {
  return `dataset-${createHash('sha256').update(location).digest('hex').slice(0, 16)}`;
}

/** True when something accepts TCP connections at host:port. */
export function isListening(address: string, timeoutMs = 500): Promise<boolean> {
  const [host, portText] = splitAddress(address);
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: Number(portText) });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function splitAddress(address: string): [string, string] {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index), address.slice(index + 1)];
}
