import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
// zod/mini: this module is in the sender's bundle (rendered digests), which keeps full zod out.
import * as z from 'zod/mini';
import { s3Client } from '#adapters/clients.ts';
import { S3_PREFIXES } from '#config/contract/storage.ts';
import type { RenderedDigest } from '#core/digests/digest.ts';
import { sha256Hex, unsafeKeyReason } from '#core/documents/keys.ts';
import type { DocumentSource, Quarantine, QuarantineReason } from '#core/documents/ports.ts';

export const QUARANTINE_PREFIX = S3_PREFIXES.quarantine;
/** The reasons, apart from the documents: no document's name can collide with one. */
export const QUARANTINE_REASONS_PREFIX = S3_PREFIXES.quarantineReasons;
export const DIGESTS_PREFIX = S3_PREFIXES.digests;

const copySource = (bucket: string, key: string) =>
  `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;

/** A reason file is named by the hash of the quarantined document's key. */
const reasonKey = (quarantineKey: string) =>
  `${QUARANTINE_REASONS_PREFIX}${sha256Hex(quarantineKey).slice(0, 32)}.json`;

const storedReason = z.object({
  key: z.string(),
  quarantineKey: z.string(),
  reason: z.string(),
  message: z.string(),
  at: z.string(),
  replaces: z.optional(z.object({ articleId: z.string(), lang: z.string(), title: z.string() })),
});
export type QuarantineEntry = QuarantineReason & { readonly quarantineKey: string };

/** Documents in the bucket. */
export class S3DocumentSource implements DocumentSource {
  constructor(private readonly bucket: string) {}

  async get(
    key: string,
    maxBytes?: number,
  ): Promise<{ bytes: Uint8Array; metadata: Record<string, string> } | undefined> {
    try {
      const object = await s3Client().send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          // One byte past the limit is enough to know the object is over it.
          ...(maxBytes !== undefined ? { Range: `bytes=0-${maxBytes}` } : {}),
        }),
      );
      const bytes = await object.Body!.transformToByteArray();
      return { bytes, metadata: object.Metadata ?? {} };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      // An empty object has no byte 0 to start a range at.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416) return this.get(key);
      throw error;
    }
  }
}

/**
 * Moves a rejected document to `quarantine/<original key>` — outside the documents prefix, so the
 * move triggers nothing — and keeps its reason in `quarantine-reasons/`, named by a hash of that key.
 */
export class S3Quarantine implements Quarantine {
  constructor(
    private readonly bucket: string,
    private readonly documentsPrefix: string,
  ) {}

  /** Every quarantined document with its reason, oldest first (a reason file that is not one is skipped). */
  async list(): Promise<QuarantineEntry[]> {
    const client = s3Client();
    const entries: QuarantineEntry[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: QUARANTINE_REASONS_PREFIX,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.endsWith('.json')) continue;
        const body = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: object.Key }));
        let value: unknown;
        try {
          value = JSON.parse(await body.Body!.transformToString());
        } catch {
          continue;
        }
        const entry = storedReason.safeParse(value);
        if (entry.success && reasonKey(entry.data.quarantineKey) === object.Key)
          entries.push(entry.data as QuarantineEntry);
      }
      token = page.NextContinuationToken;
    } while (token);
    return entries.sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * Puts a quarantined document back under its original key — its fixed bytes when given, else the
   * quarantined ones — which ingests it again; the quarantined copy and its reason are removed.
   */
  async retry(which: string, fixed?: Uint8Array): Promise<{ key: string }> {
    const client = s3Client();
    const entry = (await this.list()).find((e) => e.quarantineKey === which || e.key === which);
    if (!entry) throw new Error(`nothing is quarantined as ${which}: see "herald quarantine list"`);
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
    await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: reasonKey(entry.quarantineKey) }));
    return { key: entry.key };
  }

  async quarantine(reason: QuarantineReason) {
    const relative = reason.key.startsWith(this.documentsPrefix)
      ? reason.key.slice(this.documentsPrefix.length)
      : reason.key;
    // A key Herald refuses is not copied under its own name: the reason keeps the original.
    const quarantineKey = unsafeKeyReason(relative)
      ? `${QUARANTINE_PREFIX}unsafe-keys/${sha256Hex(reason.key).slice(0, 16)}`
      : `${QUARANTINE_PREFIX}${relative}`;
    const client = s3Client();
    // A key Herald refuses may not be addressable at all (the local S3 refuses it): then only the reason is kept.
    const unlessUnaddressable = <T>(step: Promise<T>) =>
      reason.reason === 'unsafe-key'
        ? step.catch((error: unknown) => {
            const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
            if (status === undefined || status >= 500) throw error;
            return undefined;
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
        Key: reasonKey(quarantineKey),
        Body: JSON.stringify({ ...reason, quarantineKey }, null, 2),
        ContentType: 'application/json',
      }),
    );
    const removed = await unlessUnaddressable(
      client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: reason.key })),
    );
    return { quarantineKey, ...(removed?.VersionId ? { removedAs: removed.VersionId } : {}) };
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
