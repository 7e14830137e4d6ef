import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ObjectStore } from './objectStore.ts';
import { parseS3Uri, type S3Location } from './s3Location.ts';

/**
 * An S3 client from the standard AWS settings (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL). With a
 * custom endpoint (S3-compatible stores) path-style addressing is used.
 */
export function s3ClientFromEnvironment(): S3Client {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const config: S3ClientConfig = {
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    // Only send/verify checksums when the operation requires it: S3-compatible stores vary.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 5,
  };
  if (endpoint) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
  }
  return new S3Client(config);
}

/**
 * A missing object. A missing bucket, and versitygw's 404 for an unknown access key, are not: they
 * are storage a person must fix (storageErrors.ts), never an empty dataset.
 */
const isMissing = (error: unknown) =>
  (error as { name?: string })?.name !== 'NoSuchBucket' &&
  !/access key/i.test((error as { message?: string })?.message ?? '') &&
  (error instanceof NoSuchKey ||
    error instanceof NotFound ||
    (error as { name?: string })?.name === 'NotFound' ||
    (error as { name?: string })?.name === 'NoSuchKey' ||
    (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404);

/** A dataset under s3://bucket/prefix. Single PUTs and completed multipart uploads are atomic. */
export class S3Store implements ObjectStore {
  readonly location: string;
  private readonly target: S3Location;

  constructor(
    uri: string,
    private readonly client: S3Client = s3ClientFromEnvironment(),
  ) {
    this.target = parseS3Uri(uri);
    this.location = this.target.uri;
  }

  private key(key: string): string {
    return this.target.prefix ? `${this.target.prefix}/${key}` : key;
  }

  async put(key: string, bytes: Uint8Array | string): Promise<void> {
    // lib-storage switches to multipart above 5 MB and aborts the upload if it fails.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.target.bucket, Key: this.key(key), Body: typeof bytes === 'string' ? Buffer.from(bytes) : bytes },
      queueSize: 4,
      partSize: 8 * 1024 * 1024,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async putIfAbsent(key: string, bytes: Uint8Array | string): Promise<boolean> {
    try {
      // Conditional write (AWS S3 since 2024, versitygw): 412 if the key exists.
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.target.bucket,
          Key: this.key(key),
          Body: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
      // 412: the key exists; 409: a concurrent conditional write to it is in progress (it wins).
      if (status === 412 || status === 409 || (error as { name?: string })?.name === 'PreconditionFailed') return false;
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(key) }));
      return await response.Body!.transformToByteArray();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.size(key)) !== undefined;
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: this.key(key) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.key(prefix);
    const root = this.target.prefix ? `${this.target.prefix}/` : '';
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.target.bucket,
          Prefix: base === '' ? root : base.endsWith('/') ? base : `${base}/`,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key.slice(root.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async topLevelNames(): Promise<string[]> {
    const root = this.target.prefix ? `${this.target.prefix}/` : '';
    const page = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.target.bucket, Prefix: root, Delimiter: '/', MaxKeys: 1000 }),
    );
    const names = [
      ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!.slice(root.length).replace(/\/$/, '')),
      ...(page.Contents ?? []).map((o) => o.Key!.slice(root.length)),
    ];
    return names.filter((n) => n.length > 0);
  }

  async publish(fromKey: string, toKey: string): Promise<void> {
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.target.bucket,
          Key: this.key(toKey),
          CopySource: encodeURIComponent(`${this.target.bucket}/${this.key(fromKey)}`).replace(/%2F/g, '/'),
        }),
      );
    } catch (error) {
      // Already copied and the staging object deleted by an earlier attempt of the same commit.
      if (isMissing(error) && (await this.exists(toKey))) return;
      throw error;
    }
    await this.delete(fromKey);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.key(key) }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const keys = await this.list(prefix);
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.target.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((k) => ({ Key: this.key(k) })), Quiet: true },
        }),
      );
    }
  }

  /** Fails with a clear message when the bucket is missing or not accessible. */
  async assertBucket(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.target.bucket }));
  }
}
