import { ConfigError } from '../config/config.ts';
import { isDatasetEntry, MANIFEST_KEY } from './layout.ts';
import type { ObjectStore } from './objectStore.ts';

/**
 * A directory (or S3 prefix) that holds anything but a dataset is never written into: the one
 * check behind the CLI's preflight and the plan activity (which the Temporal CLI reaches too).
 */
export async function refuseForeignContent(store: ObjectStore): Promise<void> {
  const names = await store.topLevelNames();
  if (names.includes(MANIFEST_KEY)) return;
  const foreign = names.filter((name) => !isDatasetEntry(name));
  if (foreign.length > 0) {
    throw new ConfigError(
      `invalid outputDir (--out): ${store.location} is not empty and holds no dataset (found ` +
        `${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); choose an empty or new ` +
        `directory`,
      'outputDir',
    );
  }
}
