import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient, s3Client } from '#adapters/clients.ts';
import { claimRow, keys } from '#adapters/dynamodb-table.ts';
import { S3_PREFIXES } from '#config/contract/storage.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { ArticleRef, ArticleStore } from '#core/documents/ports.ts';

/** Where bodies too large for an item are kept, named by the content's hash. */
export const ARTICLE_BODIES_PREFIX = S3_PREFIXES.articleBodies;

const stripKeys = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;

/** A body larger than this is kept in S3 beside the item, well under DynamoDB's 400 KB per item. */
export const INLINE_BODY_BYTES = 100 * 1024;
/** How long Herald's own removal of a rejected upload is expected (its delete event comes in seconds). */
const EXPECTED_REMOVAL_MS = 3_600_000;

export class DynamoArticleStore implements ArticleStore {
  /** `bucket`: where large bodies are kept (`article-bodies/`); needed to store or read one. */
  constructor(
    private readonly table: string,
    private readonly bucket?: string,
  ) {}

  async putVersion(version: ArticleVersion): Promise<void> {
    const client = dynamoDocumentClient();
    let stored: ArticleVersion = version;
    if (Buffer.byteLength(version.bodyHtml) > INLINE_BODY_BYTES) {
      if (!this.bucket) throw new Error('a large body needs the bucket to be kept in');
      // Named by the content, so the live version's body is never overwritten by another upload.
      const bodyKey = `${ARTICLE_BODIES_PREFIX}${version.contentHash}.html`;
      await s3Client().send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: bodyKey,
          Body: version.bodyHtml,
          ContentType: 'text/html; charset=utf-8',
        }),
      );
      stored = { ...version, bodyHtml: '', bodyKey };
    }
    await client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.articleVersion(version.articleId, version.lang), ...stored },
      }),
    );
    await client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.source(version.sourceKey), articleId: version.articleId, lang: version.lang },
      }),
    );
    const { articleId, lang, title, published } = version;
    await client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.archive(lang, published, articleId), articleId, lang, title, published },
      }),
    );
  }

  async listArchive(lang: ArticleRef['lang'], limit: number) {
    const { Items = [] } = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ARCHIVE#${lang}` },
        ScanIndexForward: false,
        Limit: limit * 2,
      }),
    );
    const seen = new Set<string>();
    return Items.filter((item) => !seen.has(item.articleId as string) && seen.add(item.articleId as string))
      .slice(0, limit)
      .map((item) => ({
        articleId: item.articleId as string,
        lang,
        title: item.title as string,
        published: item.published as string,
      }));
  }

  async countSuggestion(articleId: string, count: number): Promise<void> {
    if (count === 0) return;
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `ART#${articleId}`, sk: 'SUGGESTIONS' },
        UpdateExpression: 'ADD suggestions :n',
        ExpressionAttributeValues: { ':n': count },
      }),
    );
  }

  async getVersions(articleId: string): Promise<ArticleVersion[]> {
    const { Items = [] } = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': `ART#${articleId}`, ':v': 'V#' },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => stripKeys(item) as unknown as ArticleVersion);
  }

  async loadBody(version: ArticleVersion): Promise<string> {
    if (!version.bodyKey) return version.bodyHtml;
    if (!this.bucket) throw new Error('a large body needs the bucket it is kept in');
    const object = await s3Client().send(new GetObjectCommand({ Bucket: this.bucket, Key: version.bodyKey }));
    return object.Body!.transformToString('utf8');
  }

  async liveVersionFrom(sourceKey: string) {
    const client = dynamoDocumentClient();
    const { Item } = await client.send(
      new GetCommand({ TableName: this.table, Key: keys.source(sourceKey), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { Item: version } = await client.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.articleVersion(Item.articleId as string, Item.lang as string),
        ConsistentRead: true,
        ProjectionExpression: 'articleId, lang, title, sourceKey, withdrawnAt',
      }),
    );
    if (!version || version.sourceKey !== sourceKey || version.withdrawnAt) return undefined;
    return {
      articleId: version.articleId as string,
      lang: version.lang as ArticleRef['lang'],
      title: version.title as string,
    };
  }

  async expectRemoval(sourceKey: string, now: Date, versionId?: string): Promise<void> {
    const item = {
      ...keys.expectedRemoval(sourceKey),
      at: now.getTime(),
      ...(versionId ? { versionId } : {}),
      expiresAt: Math.floor((now.getTime() + EXPECTED_REMOVAL_MS) / 1000),
    };
    if (!versionId) {
      await dynamoDocumentClient().send(new PutCommand({ TableName: this.table, Item: item }));
      return;
    }
    // Only while the announcement stands: its event may have been handled (and the note taken) already.
    await dynamoDocumentClient()
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.expectedRemoval(sourceKey),
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'SET versionId = :v',
          ExpressionAttributeValues: { ':v': versionId },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async takeExpectedRemoval(sourceKey: string, versionId: string | undefined, now: Date): Promise<boolean> {
    try {
      await dynamoDocumentClient().send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.expectedRemoval(sourceKey),
          // The announced removal, recent, and (where S3 keeps versions) this very delete marker.
          ConditionExpression: `attribute_exists(pk) AND #at > :since AND (attribute_not_exists(versionId)${versionId ? ' OR versionId = :v' : ''})`,
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: {
            ':since': now.getTime() - EXPECTED_REMOVAL_MS,
            ...(versionId ? { ':v': versionId } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async withdrawBySource(sourceKey: string, now: Date): Promise<ArticleRef | undefined> {
    const client = dynamoDocumentClient();
    const { Item } = await client.send(
      new GetCommand({ TableName: this.table, Key: keys.source(sourceKey), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const ref = { articleId: Item.articleId as string, lang: Item.lang as ArticleRef['lang'] };
    const { Item: version } = await client.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.articleVersion(ref.articleId, ref.lang),
        ConsistentRead: true,
      }),
    );
    if (version?.sourceKey === sourceKey) {
      await client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.archive(ref.lang, version.published as string, ref.articleId),
        }),
      );
    }
    try {
      await client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.articleVersion(ref.articleId, ref.lang),
          // Only if the version still comes from this key (a later upload elsewhere may have replaced it).
          ConditionExpression: 'sourceKey = :key',
          UpdateExpression: 'SET withdrawnAt = :now',
          ExpressionAttributeValues: { ':key': sourceKey, ':now': now.toISOString() },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    await client.send(new DeleteCommand({ TableName: this.table, Key: keys.source(sourceKey) }));
    return ref;
  }

  async withdrawnAmong(refs: readonly ArticleRef[]): Promise<ArticleRef[]> {
    if (refs.length === 0) return [];
    const { Responses } = await dynamoDocumentClient().send(
      new BatchGetCommand({
        RequestItems: {
          [this.table]: {
            Keys: refs.map((ref) => keys.articleVersion(ref.articleId, ref.lang)),
            ProjectionExpression: 'articleId, lang, withdrawnAt',
            ConsistentRead: true,
          },
        },
      }),
    );
    return (Responses?.[this.table] ?? [])
      .filter((item) => item.withdrawnAt)
      .map((item) => ({ articleId: item.articleId as string, lang: item.lang as ArticleRef['lang'] }));
  }

  async claimMailing(version: ArticleVersion, leaseMs: number, now: Date): Promise<boolean> {
    const claim = (key: { pk: string; sk: string }) =>
      claimRow(
        this.table,
        { ...key, state: 'claimed', leaseUntil: now.getTime() + leaseMs, sourceKey: version.sourceKey },
        {
          condition: '#state = :claimed AND leaseUntil < :now',
          names: { '#state': 'state' },
          values: { ':claimed': 'claimed', ':now': now.getTime() },
        },
      );
    if (!(await claim(keys.mailing(version.articleId, version.lang)))) return false;
    if (await claim(keys.contentMailing(version.contentHash))) return true;
    await this.release(keys.mailing(version.articleId, version.lang));
    return false;
  }

  async recordPublished(version: ArticleVersion): Promise<void> {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.published(version.ingestedAt, version.articleId, version.lang),
          articleId: version.articleId,
          lang: version.lang,
        },
      }),
    );
  }

  async listPublished(since: Date, until: Date): Promise<ArticleRef[]> {
    const refs = new Map<string, ArticleRef>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamoDocumentClient().send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': 'PUBLISHED',
            ':from': `${since.toISOString()}#~`,
            ':to': `${until.toISOString()}#~`,
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const ref = { articleId: item.articleId as string, lang: item.lang as ArticleRef['lang'] };
        refs.set(`${ref.articleId}/${ref.lang}`, ref);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return [...refs.values()];
  }

  async releaseMailing(version: ArticleVersion): Promise<void> {
    await this.release(keys.mailing(version.articleId, version.lang));
    await this.release(keys.contentMailing(version.contentHash));
  }

  async markMailingPlanned(version: ArticleVersion, digestId: string): Promise<void> {
    for (const key of [
      keys.mailing(version.articleId, version.lang),
      keys.contentMailing(version.contentHash),
    ]) {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #state = :planned, digestId = :digest REMOVE leaseUntil',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':planned': 'planned', ':digest': digestId },
        }),
      );
    }
  }

  private async release(key: { pk: string; sk: string }): Promise<void> {
    try {
      await dynamoDocumentClient().send(
        new DeleteCommand({
          TableName: this.table,
          Key: key,
          ConditionExpression: '#state = :claimed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': 'claimed' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
