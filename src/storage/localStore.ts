import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ObjectStore } from './objectStore.ts';

/** A dataset in a local directory. Writes go to a temp file, are fsynced, then renamed. */
export class LocalStore implements ObjectStore {
  readonly location: string;

  constructor(root: string) {
    this.location = resolve(root);
  }

  private path(key: string): string {
    return join(this.location, ...key.split('/'));
  }

  async put(key: string, bytes: Uint8Array | string): Promise<void> {
    const target = this.path(key);
    const temp = await writeDurableTemp(target, bytes);
    await rename(temp, target);
    await syncDirectory(dirname(target));
  }

  async putIfAbsent(key: string, bytes: Uint8Array | string): Promise<boolean> {
    const target = this.path(key);
    const temp = await writeDurableTemp(target, bytes);
    try {
      // link() fails with EEXIST if the name is taken: create-if-absent with the content complete.
      await link(temp, target);
      await syncDirectory(dirname(target));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.size(key)) !== undefined;
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(key))).size;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.path(prefix);
    const keys: string[] = [];
    const walk = async (dir: string) => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else keys.push(relative(this.location, full).split(sep).join('/'));
      }
    };
    await walk(base);
    return keys.sort();
  }

  async topLevelNames(): Promise<string[]> {
    try {
      return await readdir(this.location);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  async publish(fromKey: string, toKey: string): Promise<void> {
    const target = this.path(toKey);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(this.path(fromKey), target);
    } catch (error) {
      // Already published by an earlier attempt of the same commit.
      if (isNotFound(error) && (await this.exists(toKey))) return;
      throw error;
    }
    await syncDirectory(dirname(target));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true });
  }
}

/** Writes `bytes` to a new temp file beside `target` and fsyncs it; returns its path (removed on failure). */
async function writeDurableTemp(target: string, bytes: Uint8Array | string): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems do not support fsync on directories; the rename is still atomic.
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
