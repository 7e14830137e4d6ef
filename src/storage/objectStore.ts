/**
 * Where a dataset lives: a local directory or (later) an S3 prefix. Keys are '/'-separated paths
 * relative to the dataset root. Every write is atomic: a reader sees the old object or the new
 * one, never a half-written one.
 */
export interface ObjectStore {
  /** Human-readable location of the dataset root (path or s3:// URI). */
  readonly location: string;
  put(key: string, bytes: Uint8Array | string): Promise<void>;
  /**
   * Creates the object only if no object has that key, atomically (two callers racing: exactly
   * one gets true). A reader sees the whole content or nothing.
   */
  putIfAbsent(key: string, bytes: Uint8Array | string): Promise<boolean>;
  get(key: string): Promise<Uint8Array | undefined>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix (recursive), relative to the root, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Moves an object to its final key; succeeds if it already moved (idempotent commit). */
  publish(fromKey: string, toKey: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Deletes everything under a prefix. */
  deletePrefix(prefix: string): Promise<void>;
  /** Names directly under the root (files and directories / common prefixes). */
  topLevelNames(): Promise<string[]>;
  /** Sizes of objects, for the summary. */
  size(key: string): Promise<number | undefined>;
}

export async function getText(store: ObjectStore, key: string): Promise<string | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
