import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../config/config.ts';
import { refuseForeignContent } from './datasetGuard.ts';
import { LocalStore } from './localStore.ts';
import { normaliseOutputLocation } from './openStore.ts';
import { isS3Uri } from './s3Location.ts';

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
    await refuseForeignContent(new LocalStore(location));
    return location;
  }
  let ancestor = dirname(location);
  while (!(await stat(ancestor).catch(() => undefined))) ancestor = dirname(ancestor);
  if (!(await stat(ancestor)).isDirectory())
    throw new ConfigError(`invalid outputDir (--out): ${ancestor} is a file, expected a directory`, 'outputDir');
  await assertWritable(ancestor);
  return location;
}

/** The bucket must exist and be reachable; the prefix must hold a dataset or nothing. */
async function preflightS3(location: string): Promise<string> {
  const { S3Store } = await import('./s3Store.ts');
  const store = new S3Store(location);
  try {
    await store.assertBucket();
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const reason =
      status === 404
        ? 'the bucket does not exist'
        : status === 403
          ? 'access denied (check AWS credentials)'
          : `the bucket is not reachable (${(error as Error).name})`;
    throw new ConfigError(`invalid outputDir (--out): ${location}: ${reason}`, 'outputDir');
  }
  await refuseForeignContent(store);
  return location;
}

async function assertWritable(dir: string): Promise<void> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new ConfigError(`invalid outputDir (--out): ${dir} is not writable; expected a directory you can write to`, 'outputDir');
  }
}
