// Which failures are the storage's (a full or read-only disk, S3 or the network down): those are
// retried for as long as it takes; anything else (a broken invariant, a bug) is retried a few times
// and then ends the run.

/** errno codes of the file system and the network. */
const STORAGE_ERROR_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EACCES',
  'EPERM',
  'EIO',
  'EBUSY',
  'EMFILE',
  'ENFILE',
  'EAGAIN',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/** Error names of the AWS SDK's transport (no response at all). */
const TRANSPORT_ERROR_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'NetworkingError', 'SocketError']);

/**
 * Whether an error comes from the storage: an errno code of the file system or the network, an
 * S3 response (the AWS SDK's errors carry `$metadata`), or the SDK's transport; looked for along
 * the `cause` chain.
 */
export function isStorageError(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const candidate = current as { code?: unknown; name?: unknown; $metadata?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && STORAGE_ERROR_CODES.has(candidate.code)) return true;
    if (candidate.$metadata !== undefined) return true;
    if (typeof candidate.name === 'string' && TRANSPORT_ERROR_NAMES.has(candidate.name)) return true;
    current = candidate.cause;
  }
  return false;
}

/**
 * The failure type a storage failure is reported under while it is retried: the progress bar
 * shows "waiting for storage: <reason>" when an activity's last failure has it.
 */
export const STORAGE_FAILURE_TYPE = 'StorageUnavailable';
