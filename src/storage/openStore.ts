import { resolve } from 'node:path';
import { LocalStore } from './localStore.ts';
import type { ObjectStore } from './objectStore.ts';
import { isS3Uri, parseS3Uri } from './s3Location.ts';
import { S3Store } from './s3Store.ts';

/** Normalised dataset location: an absolute local path, or s3://bucket/prefix. */
export function normaliseOutputLocation(outputDir: string): string {
  if (isS3Uri(outputDir)) return parseS3Uri(outputDir).uri;
  return resolve(outputDir);
}

export function openStore(location: string): ObjectStore {
  return isS3Uri(location) ? new S3Store(location) : new LocalStore(location);
}
