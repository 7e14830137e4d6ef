import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MANIFEST_KEY } from './layout.ts';
import type { Manifest } from './manifest.ts';
import type { ObjectStore } from './objectStore.ts';
import { isS3Uri } from './s3Location.ts';

/**
 * Copies a dataset's committed files (those its manifest lists, and the manifest) into a local
 * directory, for readers that need a file system. One file at a time, so memory holds one part.
 */
export async function mirrorCommittedFiles(store: ObjectStore, manifest: Manifest, directory: string): Promise<void> {
  for (const key of [MANIFEST_KEY, ...manifest.files.map((f) => f.path)]) {
    const bytes = await store.get(key);
    if (bytes === undefined) throw new Error(`${store.location}/${key} is listed in the manifest but missing`);
    const target = join(directory, key);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
}

/**
 * Runs `read` on a local directory holding the dataset: the dataset itself when it is local, a
 * temporary copy of its committed files when it lives on S3 (removed afterwards).
 */
export async function withLocalDataset<T>(
  store: ObjectStore,
  manifest: Manifest,
  read: (directory: string) => Promise<T>,
  onCopy: (directory: string) => void = () => {},
): Promise<T> {
  if (!isS3Uri(store.location)) return read(store.location);
  const directory = await mkdtemp(join(tmpdir(), 'diabetic-twin-dataset-'));
  try {
    onCopy(directory);
    await mirrorCommittedFiles(store, manifest, directory);
    return await read(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
