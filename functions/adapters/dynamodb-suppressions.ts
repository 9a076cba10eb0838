import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { keys } from '#adapters/dynamodb-table.ts';
import type { RateLimiter } from '#core/limits/ports.ts';
import type { SuppressionList } from '#core/subscriptions/ports.ts';

export class DynamoSuppressionList implements SuppressionList {
  /** `prefix` keeps separate lists apart: `SUPP` never to mail, `NOSUGGEST` no suggestions. */
  constructor(
    private readonly table: string,
    private readonly prefix = 'SUPP',
  ) {}

  private key(hash: string) {
    return { pk: `${this.prefix}#${hash}`, sk: this.prefix };
  }

  async has(addressHash: string): Promise<boolean> {
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: this.table, Key: this.key(addressHash), ConsistentRead: true }),
    );
    return Boolean(Item);
  }

  async add(addressHash: string, reason: string, now: Date): Promise<void> {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: this.table,
        Item: { ...this.key(addressHash), reason, at: now.toISOString() },
      }),
    );
  }
}

/**
 * Fixed-window counters with one conditional update each: the count goes up only while it is under the
 * limit. Old windows carry `expiresAt` for DynamoDB TTL housekeeping; correctness never depends on it.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(private readonly table: string) {}

  async take(scope: string, key: string, limit: number, windowSeconds: number, now: Date, cost = 1) {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const window = nowSeconds - (nowSeconds % windowSeconds);
    const retryAfterSeconds = window + windowSeconds - nowSeconds;
    if (cost > limit) return { allowed: false, retryAfterSeconds };
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.rate(scope, key, window),
          UpdateExpression: 'ADD #count :cost SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(#count) OR #count <= :room',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: {
            ':cost': cost,
            ':room': limit - cost,
            ':expires': window + 2 * windowSeconds,
          },
        }),
      );
      return { allowed: true, retryAfterSeconds: 0 };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { allowed: false, retryAfterSeconds };
      throw error;
    }
  }
}
