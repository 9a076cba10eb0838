import { randomBytes } from 'node:crypto';
import { BatchGetCommand, BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { keys } from '#adapters/dynamodb-table.ts';
import type { ReaderHistory } from '#core/subscriptions/ports.ts';

type Item = Record<string, unknown>;

/** Every item of a partition, page by page (only the attribute named, when one is). */
async function partition(table: string, pk: string, attribute: string): Promise<string[]> {
  const values: string[] = [];
  let start: Item | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: '#a',
        ExpressionAttributeNames: { '#a': attribute },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? [])
      if (typeof item[attribute] === 'string') values.push(item[attribute]);
    start = page.LastEvaluatedKey;
  } while (start);
  return [...new Set(values)];
}

async function writeAll(table: string, requests: Item[]): Promise<void> {
  for (let start = 0; start < requests.length; start += 25) {
    let pending: Record<string, Item[]> | undefined = { [table]: requests.slice(start, start + 25) };
    while (pending && Object.keys(pending).length > 0) {
      const result = await dynamoDocumentClient().send(
        new BatchWriteCommand({ RequestItems: pending as never }),
      );
      pending = result.UnprocessedItems as typeof pending;
    }
  }
}

async function getAll(table: string, wanted: Item[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < wanted.length; start += 100) {
    let pending: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = {
      [table]: { Keys: wanted.slice(start, start + 100), ConsistentRead: true },
    };
    while (pending && Object.keys(pending).length > 0) {
      const result = await dynamoDocumentClient().send(new BatchGetCommand({ RequestItems: pending }));
      found.push(...(result.Responses?.[table] ?? []));
      pending = result.UnprocessedKeys as typeof pending;
    }
  }
  return found;
}

/**
 * What erasure removes besides the profile. The send ledger keeps its counts, so a row is moved to an
 * anonymous id (`erased_<random>`) with its state and times, without the SES message id or error; the
 * receipts (which articles a reader got) are deleted. Found through the digest index and the articles
 * published for mail — no scan, and nothing added to the hot path.
 */
export class DynamoReaderHistory implements ReaderHistory {
  constructor(private readonly table: string) {}

  async forget(subscriberIds: readonly string[]): Promise<{ ledgerRows: number; receipts: number }> {
    const digests = await partition(this.table, 'DIGESTS', 'digestId');
    const rows = await getAll(
      this.table,
      digests.flatMap((digestId) => subscriberIds.map((id) => keys.delivery(digestId, id))),
    );
    const moves = rows.flatMap((row) => {
      const { pk, sk, state, attempts, updatedAt, render, inFlightAtCrash } = row;
      const anonymous = `TO#erased_${randomBytes(12).toString('hex')}`;
      return [
        { DeleteRequest: { Key: { pk, sk } } },
        {
          PutRequest: {
            Item: Object.fromEntries(
              Object.entries({
                pk,
                sk: anonymous,
                state,
                attempts,
                updatedAt,
                render,
                inFlightAtCrash,
              }).filter(([, value]) => value !== undefined),
            ),
          },
        },
      ];
    });
    await writeAll(this.table, moves);

    const articles = await partition(this.table, 'PUBLISHED', 'articleId');
    const receiptKeys = articles.flatMap((articleId) =>
      subscriberIds.map((id) => keys.receipt(articleId, id)),
    );
    const receipts = await getAll(this.table, receiptKeys);
    await writeAll(
      this.table,
      receipts.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })),
    );
    return { ledgerRows: rows.length, receipts: receipts.length };
  }
}
