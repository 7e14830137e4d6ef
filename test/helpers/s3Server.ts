import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, stopProcess } from '../../src/temporal/devServer.ts';
import { isListening } from '../../src/temporal/connection.ts';
import { onFreePort } from './servers.ts';

export const S3_ACCESS_KEY = 'AKIADIABETICTWINTEST';
export const S3_SECRET_KEY = 'test-secret-Zq8Xw3vLr5NpT0yUe2sK';

/** A real S3-compatible server (versitygw, posix backend) on 127.0.0.1; objects live as files under root/bucket/key. */
export interface TestS3 {
  endpoint: string;
  root: string;
  port: number;
  env: Record<string, string>;
  createBucket(name: string): string;
  /**
   * Removes a bucket as S3 does, for good: its directory is moved away in one step, and for
   * `settleMs` any directory of that name an upload in flight re-creates is moved away too
   * (versitygw's posix backend makes an object's parent directories when it links a finished
   * upload, which would bring the bucket back).
   */
  removeBucket(name: string, settleMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Starts it again on the same port and root; with `secret`, under another secret key (as if it had been rotated). */
  restart(secret?: string): Promise<void>;
}

/** versitygw ended before it listened (its port taken). */
class VersitygwExited extends Error {}

export async function startTestS3(): Promise<TestS3> {
  const root = mkdtempSync(join(tmpdir(), 'versitygw-'));
  let port = 0;
  let child: ChildProcess | undefined;
  const start = async (secret = S3_SECRET_KEY) => {
    const started = spawn(
      join(PROJECT_ROOT, '.tools/bin/versitygw'),
      ['--access', S3_ACCESS_KEY, '--secret', secret, '--port', `127.0.0.1:${port}`, 'posix', root],
      { stdio: 'ignore' },
    );
    child = started;
    let exited = false;
    started.once('exit', () => (exited = true));
    const deadline = Date.now() + 20_000;
    while (!(await isListening(`127.0.0.1:${port}`))) {
      if (exited) throw new VersitygwExited(`versitygw exited during start-up on port ${port}`);
      if (Date.now() > deadline) throw new Error('versitygw did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await onFreePort(
    (free) => {
      port = free;
      return start();
    },
    (error) => error instanceof VersitygwExited,
  );
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    root,
    port,
    env: { AWS_ACCESS_KEY_ID: S3_ACCESS_KEY, AWS_SECRET_ACCESS_KEY: S3_SECRET_KEY, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint },
    createBucket(name: string) {
      mkdirSync(join(root, name), { recursive: true });
      return join(root, name);
    },
    async removeBucket(name: string, settleMs = 3000) {
      const bucket = join(root, name);
      const deadline = Date.now() + settleMs;
      for (let moved = 0; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
        if (existsSync(bucket)) renameSync(bucket, join(root, `${name}.removed-${moved++}`));
      }
    },
    async stop() {
      if (child) await stopProcess(child, 2000);
    },
    async restart(secret?: string) {
      await start(secret);
    },
  };
}
