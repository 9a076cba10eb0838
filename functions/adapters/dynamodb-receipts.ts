import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { keys } from '#adapters/dynamodb-table.ts';
import type { Receipts } from '#core/delivery/ports.ts';

export class DynamoReceipts implements Receipts {
  constructor(private readonly table: string) {}

  async record(articleIds: readonly string[], subscriberId: string, now: Date): Promise<void> {
    if (articleIds.length === 0) return;
    let request: Record<string, unknown[]> | undefined = {
      [this.table]: articleIds.map((articleId) => ({
        PutRequest: { Item: { ...keys.receipt(articleId, subscriberId), at: now.toISOString() } },
      })),
    };
    while (request && Object.keys(request).length > 0) {
      const result = await dynamoDocumentClient().send(
        new BatchWriteCommand({ RequestItems: request as never }),
      );
      request = result.UnprocessedItems as typeof request;
    }
  }

  async receivedAmong(articleIds: readonly string[], subscriberIds: readonly string[]) {
    const received = new Map<string, Set<string>>();
    const pairs = articleIds.flatMap((articleId) =>
      subscriberIds.map((subscriberId) => keys.receipt(articleId, subscriberId)),
    );
    for (let start = 0; start < pairs.length; start += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.table]: { Keys: pairs.slice(start, start + 100) },
      };
      while (request && Object.keys(request).length > 0) {
        const result = await dynamoDocumentClient().send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.table] ?? []) {
          const articleId = (item.pk as string).slice('ART#'.length);
          const subscriberId = (item.sk as string).slice('RCV#'.length);
          received.set(subscriberId, (received.get(subscriberId) ?? new Set()).add(articleId));
        }
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return received;
  }
}
