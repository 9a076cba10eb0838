import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { s3Client } from '#adapters/clients.ts';
import type { RenderedDigest } from '#core/digests/digest.ts';
import { sha256Hex, unsafeKeyReason } from '#core/documents/keys.ts';
import type { DocumentSource, Quarantine, QuarantineReason } from '#ports/index.ts';

export const QUARANTINE_PREFIX = 'quarantine/';
export const DIGESTS_PREFIX = 'digests/';
const REASON_SUFFIX = '.reason.json';

const copySource = (bucket: string, key: string) =>
  `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;

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

  /** Every quarantined document with its reason, oldest first. */
  async list(): Promise<Array<QuarantineReason & { quarantineKey: string }>> {
    const client = s3Client();
    const entries: Array<QuarantineReason & { quarantineKey: string }> = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: QUARANTINE_PREFIX,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.endsWith(REASON_SUFFIX)) continue;
        const body = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: object.Key }));
        const reason = JSON.parse(await body.Body!.transformToString()) as QuarantineReason;
        entries.push({ ...reason, quarantineKey: object.Key.slice(0, -REASON_SUFFIX.length) });
      }
      token = page.NextContinuationToken;
    } while (token);
    return entries.sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * Puts a quarantined document back under its original key — its fixed bytes when given, else the
   * quarantined ones — which ingests it again; the quarantined copy and its reason are removed.
   */
  async retry(quarantineKey: string, fixed?: Uint8Array): Promise<{ key: string }> {
    const client = s3Client();
    const entry = (await this.list()).find(
      (e) => e.quarantineKey === quarantineKey || e.key === quarantineKey,
    );
    if (!entry) throw new Error(`nothing is quarantined as ${quarantineKey}: see "herald quarantine list"`);
    if (fixed) {
      await client.send(new PutObjectCommand({ Bucket: this.bucket, Key: entry.key, Body: fixed }));
    } else {
      await client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: entry.key,
          CopySource: copySource(this.bucket, entry.quarantineKey),
        }),
      );
    }
    await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: entry.quarantineKey }));
    await client.send(
      new DeleteObjectCommand({ Bucket: this.bucket, Key: `${entry.quarantineKey}${REASON_SUFFIX}` }),
    );
    return { key: entry.key };
  }

  async quarantine(reason: QuarantineReason) {
    const relative = reason.key.startsWith(this.documentsPrefix)
      ? reason.key.slice(this.documentsPrefix.length)
      : reason.key;
    // A key Herald refuses is not copied under its own name: the reason beside it keeps the original.
    const quarantineKey = unsafeKeyReason(relative)
      ? `${QUARANTINE_PREFIX}unsafe-keys/${sha256Hex(reason.key).slice(0, 16)}`
      : `${QUARANTINE_PREFIX}${relative}`;
    const client = s3Client();
    // A key Herald refuses may not be addressable at all (the local S3 refuses it): then only the reason is kept.
    const unlessUnaddressable = (step: Promise<unknown>) =>
      reason.reason === 'unsafe-key'
        ? step.catch((error: unknown) => {
            if (!(error instanceof S3ServiceException && (error.$metadata.httpStatusCode ?? 500) < 500))
              throw error;
          })
        : step;
    await unlessUnaddressable(
      client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: quarantineKey,
          CopySource: copySource(this.bucket, reason.key),
        }),
      ),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${quarantineKey}${REASON_SUFFIX}`,
        Body: JSON.stringify(reason, null, 2),
        ContentType: 'application/json',
      }),
    );
    await unlessUnaddressable(client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: reason.key })));
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
