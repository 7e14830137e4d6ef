import { setImmediate as yieldTurn, setTimeout as sleep } from 'node:timers/promises';
import type { ObjectStore } from '../../src/storage/objectStore.ts';

export type StoreOperation = 'put' | 'putIfAbsent' | 'get' | 'publish' | 'delete' | 'deletePrefix' | 'list';

/**
 * An object store in memory for the fast tests. Every call yields a turn of the event loop (so
 * concurrent callers interleave as they would against a real store), and `beforeOperation` may
 * throw to simulate a crash at any step.
 */
export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  operations: { op: StoreOperation; key: string }[] = [];
  beforeOperation: (op: StoreOperation, key: string) => void = () => {};

  /** `latencyMs`: every request answers after that long, like a remote store. */
  constructor(
    readonly location = 'memory://dataset',
    private readonly latencyMs = 0,
  ) {}

  private async step(op: StoreOperation, key: string): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    else await yieldTurn();
    this.beforeOperation(op, key);
    this.operations.push({ op, key });
  }

  async put(key: string, bytes: Uint8Array | string): Promise<void> {
    await this.step('put', key);
    this.objects.set(key, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes));
  }

  async putIfAbsent(key: string, bytes: Uint8Array | string): Promise<boolean> {
    await this.step('putIfAbsent', key);
    if (this.objects.has(key)) return false;
    this.objects.set(key, typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes));
    return true;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    await this.step('get', key);
    return this.objects.get(key);
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async size(key: string): Promise<number | undefined> {
    return this.objects.get(key)?.length;
  }

  async list(prefix: string): Promise<string[]> {
    await this.step('list', prefix);
    const base = prefix.endsWith('/') || prefix === '' ? prefix : `${prefix}/`;
    return [...this.objects.keys()].filter((k) => k.startsWith(base)).sort();
  }

  async topLevelNames(): Promise<string[]> {
    return [...new Set([...this.objects.keys()].map((k) => k.split('/')[0]!))].sort();
  }

  async publish(fromKey: string, toKey: string): Promise<void> {
    await this.step('publish', toKey);
    const bytes = this.objects.get(fromKey);
    if (bytes === undefined) {
      if (this.objects.has(toKey)) return; // published by an earlier attempt
      throw new Error(`no object ${fromKey}`);
    }
    this.objects.set(toKey, bytes);
    this.objects.delete(fromKey);
  }

  async delete(key: string): Promise<void> {
    await this.step('delete', key);
    this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    await this.step('deletePrefix', prefix);
    for (const key of [...this.objects.keys()]) if (key === prefix || key.startsWith(`${prefix}/`)) this.objects.delete(key);
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  text(key: string): string | undefined {
    const bytes = this.objects.get(key);
    return bytes && new TextDecoder().decode(bytes);
  }
}
