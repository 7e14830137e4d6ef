import { resolve } from 'node:path';
import { LocalStore } from './localStore.ts';
import type { ObjectStore } from './objectStore.ts';

/** Normalised dataset location: absolute local path (or s3://bucket/prefix once S3 lands). */
export function normaliseOutputLocation(outputDir: string): string {
  if (/^s3:\/\//i.test(outputDir)) {
    throw new Error(`S3 output (${outputDir}) is not supported yet; use a local directory`);
  }
  return resolve(outputDir);
}

export function openStore(location: string): ObjectStore {
  return new LocalStore(location);
}
