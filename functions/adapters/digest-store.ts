import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { keys } from '#adapters/dynamodb-table.ts';
import { S3RenderedDigests } from '#adapters/s3-documents.ts';
import type { DigestRecord, RenderedDigest } from '#core/digests/digest.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';
import type { DigestStore } from '#ports/index.ts';

/** Digest records in DynamoDB; their rendered HTML and text in S3 (too large for an item). */
export class AwsDigestStore implements DigestStore {
  private readonly rendered: S3RenderedDigests;

  constructor(
    private readonly table: string,
    bucket: string,
  ) {
    this.rendered = new S3RenderedDigests(bucket);
  }

  saveRendered(rendered: RenderedDigest) {
    return this.rendered.save(rendered);
  }

  loadRendered(digestId: string) {
    return this.rendered.load(digestId);
  }

  async getCursor(cadence: Cadence): Promise<Date | undefined> {
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: this.table, Key: keys.cursor(cadence), ConsistentRead: true }),
    );
    return Item ? new Date(Item.at as string) : undefined;
  }

  async setCursor(cadence: Cadence, at: Date): Promise<void> {
    await dynamoDocumentClient().send(
      new PutCommand({ TableName: this.table, Item: { ...keys.cursor(cadence), at: at.toISOString() } }),
    );
  }

  async putRecord(record: DigestRecord): Promise<void> {
    await dynamoDocumentClient().send(
      new PutCommand({ TableName: this.table, Item: { ...keys.digest(record.id), ...record } }),
    );
  }
}
