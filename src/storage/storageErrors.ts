// Which failures are the storage's, and of which kind:
// - transient: the network, S3's 5xx and throttling, timeouts, a full disk (space may come back):
//   retried with backoff while the outage patience lasts (a day by default);
// - needs a person: refused credentials, a missing bucket, a read-only or forbidden directory:
//   shown at once with what to fix, retried while the storage patience lasts, then the run ends;
// - anything else (a broken invariant, a bug) is not the storage's: a few attempts, then the run ends.

export type StorageFailureClass = 'transient' | 'needsPerson';

/** errno codes that a person must fix: permissions, a read-only file system. */
const NEEDS_PERSON_CODES = new Set(['EROFS', 'EACCES', 'EPERM']);

/** errno codes of a storage or network that may come back by itself. */
const TRANSIENT_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
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

/** S3 error codes a person must act on: credentials, permissions, the bucket itself. */
const NEEDS_PERSON_S3_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'NoSuchBucket',
  'InvalidBucketName',
  'AllAccessDisabled',
  'AccountProblem',
  'Forbidden',
  'Unauthorized',
]);

/** S3 error codes of an overloaded or briefly unavailable service. */
const TRANSIENT_S3_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'ServiceUnavailable',
  'InternalError',
]);

/** Error names of the AWS SDK's transport (no response at all), and credential lookups that failed. */
const TRANSPORT_ERROR_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'NetworkingError', 'SocketError']);
const CREDENTIAL_ERROR_NAMES = new Set(['CredentialsProviderError']);

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** An error and its causes, outermost first (at most five deep). */
function* causeChain(error: unknown): Generator<ErrorLike> {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    yield current as ErrorLike;
    current = (current as ErrorLike).cause;
  }
}

/**
 * The class of a storage failure, looked for along the `cause` chain: an errno code of the file
 * system or the network, an S3 response (the AWS SDK's errors carry `$metadata`) by its code and
 * status, or the SDK's transport. Undefined when the failure is not the storage's.
 */
export function storageFailureClass(error: unknown): StorageFailureClass | undefined {
  for (const candidate of causeChain(error)) {
    const code = typeof candidate.code === 'string' ? candidate.code : undefined;
    if (code && NEEDS_PERSON_CODES.has(code)) return 'needsPerson';
    if (code && TRANSIENT_CODES.has(code)) return 'transient';
    const name = typeof candidate.name === 'string' ? candidate.name : undefined;
    const s3Code = typeof candidate.Code === 'string' ? candidate.Code : name;
    if (name && CREDENTIAL_ERROR_NAMES.has(name)) return 'needsPerson';
    if (candidate.$metadata !== undefined) {
      const status = candidate.$metadata.httpStatusCode ?? 0;
      if (s3Code && NEEDS_PERSON_S3_CODES.has(s3Code)) return 'needsPerson';
      // versitygw answers an unknown access key with 404 and this text rather than InvalidAccessKeyId.
      if (typeof candidate.message === 'string' && /access key/i.test(candidate.message)) return 'needsPerson';
      if (status === 401 || status === 403) return 'needsPerson';
      if ((s3Code && TRANSIENT_S3_CODES.has(s3Code)) || status === 429 || status >= 500 || status === 0) return 'transient';
      // Any other S3 answer (a 4xx the code did not expect) is not an outage: a bug, retried a few times.
      return undefined;
    }
    if (name && TRANSPORT_ERROR_NAMES.has(name)) return 'transient';
  }
  return undefined;
}

/** Whether an error comes from the storage (of either class). */
export function isStorageError(error: unknown): boolean {
  return storageFailureClass(error) !== undefined;
}

/**
 * The failure types a storage failure is reported under while it is retried: the progress bar
 * shows "waiting for storage: <reason>" (transient) or "storage needs you: <reason>" when an
 * activity's last failure has one of them.
 */
export const STORAGE_FAILURE_TYPE = 'StorageUnavailable';
export const STORAGE_NEEDS_PERSON_TYPE = 'StorageNeedsAttention';
/** The failure type a storage failure of a class is retried under. */
export const storageFailureType = (storageClass: StorageFailureClass): string =>
  storageClass === 'needsPerson' ? STORAGE_NEEDS_PERSON_TYPE : STORAGE_FAILURE_TYPE;
/** The run ended because its storage stayed broken longer than the patience allows. */
export const STORAGE_PATIENCE_TYPE = 'StoragePatienceExhausted';

/** What is wrong with the storage and what to fix, in the user's words; the error's own message when there is nothing to add. */
export function storageFailureAdvice(error: unknown, location: string): string {
  for (const e of causeChain(error)) {
    const code = typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : undefined;
    const errno = typeof e.code === 'string' ? e.code : undefined;
    if (errno === 'EROFS') return `${location} is on a read-only file system (EROFS): make it writable`;
    if (errno === 'EACCES' || errno === 'EPERM') return `cannot write to ${location} (${errno}): fix its permissions`;
    if (errno === 'ENOSPC' || errno === 'EDQUOT') return `no space left on the device holding ${location}: free space`;
    if (e.$metadata) {
      if (code === 'NoSuchBucket') return `the bucket of ${location} does not exist: create it, or fix --out`;
      if (code === 'InvalidAccessKeyId' || (typeof e.message === 'string' && /access key/i.test(e.message)))
        return `S3 does not know the access key (AWS_ACCESS_KEY_ID) used for ${location}: fix the credentials`;
      if (code === 'SignatureDoesNotMatch')
        return `S3 refused the secret key (AWS_SECRET_ACCESS_KEY) used for ${location}: fix the credentials`;
      if (code === 'ExpiredToken' || code === 'InvalidToken')
        return `the S3 session token for ${location} has expired: renew AWS_SESSION_TOKEN`;
      if (code === 'AccessDenied' || e.$metadata.httpStatusCode === 403 || e.$metadata.httpStatusCode === 401)
        return `S3 denied access to ${location}: check the credentials' permissions on the bucket`;
    }
  }
  return (error as Error)?.message ?? String(error);
}
