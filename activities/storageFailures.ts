// What an activity does with a storage failure: say what is wrong and what to fix, remember since
// when the storage has been failing (in the activity's heartbeat details, which Temporal hands to
// the next attempt), and end the run once that lasts longer than its patience.
import { DEFAULT_CONFIG, durationMs, type RunConfig } from '../src/config/config.ts';
import { storageFailureAdvice, storageFailureClass, type StorageFailureClass } from '../src/storage/storageErrors.ts';

/** Since when each class of storage failure has lasted (epoch ms), and the last cause logged. */
export interface StorageWait {
  needsPersonSince?: number;
  transientSince?: number;
  cause?: string;
}

export interface StorageVerdict {
  storageClass: StorageFailureClass;
  /** One line: what is wrong, that committed data is intact, what happens next. */
  message: string;
  /** Retry (within the patience) or end the run. */
  end: boolean;
  wait: StorageWait;
  /** Whether the cause changed since the last attempt (log it then, not at every retry). */
  newCause: boolean;
}

const SINCE_KEY = { needsPerson: 'needsPersonSince', transient: 'transientSince' } as const;

/** The patience of each class, from the run's config (older plans without the keys: the defaults). */
export function patienceOf(config: Partial<Pick<RunConfig, 'storagePatience' | 'outagePatience'>>, storageClass: StorageFailureClass) {
  const text =
    storageClass === 'needsPerson'
      ? (config.storagePatience ?? DEFAULT_CONFIG.storagePatience)
      : (config.outagePatience ?? DEFAULT_CONFIG.outagePatience);
  return { text, ms: durationMs(text), flag: storageClass === 'needsPerson' ? '--storage-patience' : '--outage-patience' };
}

/**
 * The verdict on a storage failure at `nowMs`, given the wait carried from earlier attempts;
 * undefined when the failure is not the storage's.
 */
export function judgeStorageFailure(
  error: unknown,
  location: string,
  config: Partial<Pick<RunConfig, 'storagePatience' | 'outagePatience'>>,
  previous: StorageWait | undefined,
  nowMs: number,
): StorageVerdict | undefined {
  const storageClass = storageFailureClass(error);
  if (!storageClass) return undefined;
  const key = SINCE_KEY[storageClass];
  const since = previous?.[key] ?? nowMs;
  const patience = patienceOf(config, storageClass);
  const fix = storageFailureAdvice(error, location);
  const waited = nowMs - since;
  const end = waited >= patience.ms;
  const waitedText = `${Math.round(waited / 1000)} s`;
  const message = end
    ? `${fix}; the storage has failed for ${waitedText}, longer than its patience (${patience.flag} ${patience.text}): the run ends; committed data is intact`
    : storageClass === 'needsPerson'
      ? `${fix}; committed data is intact; retried until ${patience.flag} ${patience.text} has passed, then the run ends`
      : `${fix}; committed data is intact; retried until it passes (${patience.flag} ${patience.text})`;
  const cause = `${storageClass}: ${fix}`;
  return { storageClass, message, end, wait: { ...previous, [key]: since, cause }, newCause: previous?.cause !== cause };
}
