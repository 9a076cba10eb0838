import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { s3Client } from '#adapters/clients.ts';
import type { RenderedDigest } from '#core/digests/digest.ts';
import type { DocumentSource, Quarantine, QuarantineReason } from '#ports/index.ts';

export const QUARANTINE_PREFIX = 'quarantine/';
export const DIGESTS_PREFIX = 'digests/';

/** Documents in the bucket. */
export class S3DocumentSource implements DocumentSource {
  constructor(private readonly bucket: string) {}

  async get(key: string) {
    try {
      const object = await s3Client().send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const bytes = await object.Body!.transformToByteArray();
      return { bytes, metadata: object.Metadata ?? {} };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }
}

/**
 * Moves a rejected document to `quarantine/<original key>` — outside the documents prefix, so the
 * move triggers nothing — and writes the reason beside it as `<key>.reason.json`.
 */
export class S3Quarantine implements Quarantine {
  constructor(
    private readonly bucket: string,
    private readonly documentsPrefix: string,
  ) {}

  async quarantine(reason: QuarantineReason) {
    const relative = reason.key.startsWith(this.documentsPrefix)
      ? reason.key.slice(this.documentsPrefix.length)
      : reason.key;
    const quarantineKey = `${QUARANTINE_PREFIX}${relative}`;
    const client = s3Client();
    await client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: quarantineKey,
        CopySource: `${this.bucket}/${encodeURIComponent(reason.key).replace(/%2F/g, '/')}`,
      }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${quarantineKey}.reason.json`,
        Body: JSON.stringify(reason, null, 2),
        ContentType: 'application/json',
      }),
    );
    await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: reason.key }));
    return { quarantineKey };
  }
}

/** Rendered digests, `digests/<id>.json`: written once by the planner, read by every sender. */
export class S3RenderedDigests {
  private readonly cache = new Map<string, Promise<RenderedDigest>>();

  constructor(private readonly bucket: string) {}

  async save(rendered: RenderedDigest): Promise<void> {
    await s3Client().send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${DIGESTS_PREFIX}${rendered.digestId}.json`,
        Body: JSON.stringify(rendered),
        ContentType: 'application/json',
      }),
    );
  }

  load(digestId: string): Promise<RenderedDigest> {
    let rendered = this.cache.get(digestId);
    if (!rendered) {
      rendered = s3Client()
        .send(new GetObjectCommand({ Bucket: this.bucket, Key: `${DIGESTS_PREFIX}${digestId}.json` }))
        .then(async (object) => JSON.parse(await object.Body!.transformToString()) as RenderedDigest);
      rendered.catch(() => this.cache.delete(digestId));
      this.cache.set(digestId, rendered);
    }
    return rendered;
  }
}
