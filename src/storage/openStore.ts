import { resolve } from 'node:path';
import { LocalStore } from './localStore.ts';
import type { ObjectStore } from './objectStore.ts';
import { isS3Uri, parseS3Uri } from './s3Location.ts';

/** Normalised dataset location: an absolute local path, or s3://bucket/prefix. */
export function normaliseOutputLocation(outputDir: string): string {
  if (isS3Uri(outputDir)) return parseS3Uri(outputDir).uri;
  return resolve(outputDir);
}

export function openStore(location: string): ObjectStore {
  return isS3Uri(location) ? new LazyS3Store(location) : new LocalStore(location);
}

/**
 * An S3 dataset whose AWS SDK is loaded on its first request: a run to a local directory never
 * pays for loading the SDK (~130 ms in the CLI and in every worker, on the path to the first batch).
 */
class LazyS3Store implements ObjectStore {
  readonly location: string;
  private store: Promise<ObjectStore> | undefined;

  constructor(uri: string) {
    this.location = parseS3Uri(uri).uri;
  }

  private open(): Promise<ObjectStore> {
    return (this.store ??= import('./s3Store.ts').then(({ S3Store }) => new S3Store(this.location)));
  }

  async put(key: string, bytes: Uint8Array | string) {
    return (await this.open()).put(key, bytes);
  }
  async putIfAbsent(key: string, bytes: Uint8Array | string) {
    return (await this.open()).putIfAbsent(key, bytes);
  }
  async get(key: string) {
    return (await this.open()).get(key);
  }
  async exists(key: string) {
    return (await this.open()).exists(key);
  }
  async list(prefix: string) {
    return (await this.open()).list(prefix);
  }
  async publish(fromKey: string, toKey: string) {
    return (await this.open()).publish(fromKey, toKey);
  }
  async delete(key: string) {
    return (await this.open()).delete(key);
  }
  async deletePrefix(prefix: string) {
    return (await this.open()).deletePrefix(prefix);
  }
  async topLevelNames() {
    return (await this.open()).topLevelNames();
  }
  async size(key: string) {
    return (await this.open()).size(key);
  }
}
