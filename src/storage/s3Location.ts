/** s3://bucket/prefix, parsed and normalised (no trailing slash). */
export interface S3Location {
  bucket: string;
  prefix: string;
  uri: string;
}

// S3 bucket naming rules (3–63 chars, lowercase letters, digits, dots and hyphens).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function isS3Uri(text: string): boolean {
  return /^s3:\/\//i.test(text);
}

export function parseS3Uri(text: string): S3Location {
  const match = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(text.trim());
  if (!match) throw new Error(`${text} is not an s3://bucket/prefix URI`);
  const bucket = match[1]!;
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    throw new Error(
      `${text} has an invalid bucket name "${bucket}"; expected s3://bucket/prefix with a 3–63 character lowercase bucket name`,
    );
  }
  const prefix = match[2]!.replace(/\/+$/, '').replace(/\/{2,}/g, '/');
  if (prefix.split('/').some((part) => part === '.' || part === '..')) throw new Error(`${text} has "." or ".." in its prefix`);
  return { bucket, prefix, uri: `s3://${bucket}${prefix ? '/' + prefix : ''}` };
}
