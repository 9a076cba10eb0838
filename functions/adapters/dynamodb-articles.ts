import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { claimRow, keys } from '#adapters/dynamodb-table.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import type { ArticleStore } from '#ports/index.ts';

export class DynamoArticleStore implements ArticleStore {
  constructor(private readonly table: string) {}

  async putVersion(version: ArticleVersion): Promise<void> {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.articleVersion(version.articleId, version.lang), ...version },
      }),
    );
  }

  claimMailing(version: ArticleVersion, leaseMs: number, now: Date): Promise<boolean> {
    return claimRow(
      this.table,
      {
        ...keys.mailing(version.articleId, version.lang, version.contentHash),
        state: 'claimed',
        leaseUntil: now.getTime() + leaseMs,
        sourceKey: version.sourceKey,
      },
      {
        condition: '#state = :claimed AND leaseUntil < :now',
        names: { '#state': 'state' },
        values: { ':claimed': 'claimed', ':now': now.getTime() },
      },
    );
  }

  async releaseMailing(version: ArticleVersion): Promise<void> {
    try {
      await dynamoDocumentClient().send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.mailing(version.articleId, version.lang, version.contentHash),
          ConditionExpression: '#state = :claimed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': 'claimed' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async markMailingPlanned(version: ArticleVersion, digestId: string): Promise<void> {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.mailing(version.articleId, version.lang, version.contentHash),
        UpdateExpression: 'SET #state = :planned, digestId = :digest REMOVE leaseUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':planned': 'planned', ':digest': digestId },
      }),
    );
  }
}
