import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MANIFEST_KEY } from './layout.ts';
import type { Manifest } from './manifest.ts';
import type { ObjectStore } from './objectStore.ts';

/**
 * Copies a dataset's committed files (those its manifest lists, and the manifest) into a local
 * directory, for readers that need a file system (the Python evaluation). One file at a time,
 * so memory holds one part file.
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
