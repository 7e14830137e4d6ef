import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../config/config.ts';
import { isDatasetEntry, MANIFEST_KEY } from './layout.ts';
import { normaliseOutputLocation } from './openStore.ts';
import { isS3Uri } from './s3Location.ts';
import { S3Store } from './s3Store.ts';

/**
 * Checks, without writing anything, that a dataset can be written at `outputDir`: the location
 * parses, is (or can become) a writable directory, and holds nothing but a dataset.
 */
export async function preflightOutput(outputDir: string): Promise<string> {
  let location: string;
  try {
    location = normaliseOutputLocation(outputDir);
  } catch (error) {
    throw new ConfigError(`invalid outputDir (--out): ${(error as Error).message}`, 'outputDir');
  }
  if (isS3Uri(location)) return preflightS3(location);
  const info = await stat(location).catch(() => undefined);
  if (info) {
    if (!info.isDirectory()) throw new ConfigError(`invalid outputDir (--out): ${location} is a file, expected a directory`, 'outputDir');
    await assertWritable(location);
    const entries = await readdir(location);
    if (!entries.includes(MANIFEST_KEY)) {
      const foreign = entries.filter((name) => !isDatasetEntry(name));
      if (foreign.length > 0) {
        throw new ConfigError(
          `invalid outputDir (--out): ${location} is not empty and holds no dataset (found ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); choose an empty or new directory`,
          'outputDir',
        );
      }
    }
    return location;
  }
  let ancestor = dirname(location);
  while (!(await stat(ancestor).catch(() => undefined))) ancestor = dirname(ancestor);
  if (!(await stat(ancestor)).isDirectory()) throw new ConfigError(`invalid outputDir (--out): ${ancestor} is a file, expected a directory`, 'outputDir');
  await assertWritable(ancestor);
  return location;
}

/** The bucket must exist and be reachable; the prefix must hold a dataset or nothing. */
async function preflightS3(location: string): Promise<string> {
  const store = new S3Store(location);
  try {
    await store.assertBucket();
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const reason = status === 404 ? 'the bucket does not exist' : status === 403 ? 'access denied (check AWS credentials)' : `the bucket is not reachable (${(error as Error).name})`;
    throw new ConfigError(`invalid outputDir (--out): ${location}: ${reason}`, 'outputDir');
  }
  const names = await store.topLevelNames();
  if (!names.includes(MANIFEST_KEY)) {
    const foreign = names.filter((name) => !isDatasetEntry(name));
    if (foreign.length > 0) {
      throw new ConfigError(`invalid outputDir (--out): ${location} is not empty and holds no dataset (found ${foreign.slice(0, 3).join(', ')}); choose an empty prefix`, 'outputDir');
    }
  }
  return location;
}

async function assertWritable(dir: string): Promise<void> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new ConfigError(`invalid outputDir (--out): ${dir} is not writable; expected a directory you can write to`, 'outputDir');
  }
}
