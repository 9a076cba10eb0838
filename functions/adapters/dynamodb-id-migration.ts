import { DeleteCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { DynamoSubscriberStore, subscriberItem } from '#adapters/dynamodb-subscribers.ts';
import { keys } from '#adapters/dynamodb-table.ts';
import { type AddressKey, isLegacySubscriberId, subscriberIdFor } from '#core/subscriptions/address-hash.ts';
import type { Subscriber } from '#core/subscriptions/subscriber.ts';

type Item = Record<string, unknown> & { pk: string; sk: string };

async function* query(table: string, pk: string, skPrefix?: string): AsyncGenerator<Item> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :sk)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(skPrefix ? { ':sk': skPrefix } : {}) },
        ExclusiveStartKey: start,
      }),
    );
    yield* (page.Items ?? []) as Item[];
    start = page.LastEvaluatedKey;
  } while (start);
}

export interface MigrationReport {
  readonly subscribers: number;
  readonly ledgerRows: number;
  readonly receipts: number;
}

/**
 * The one-time move of subscribers whose ids were a plain SHA-256 of their address (`s_…`) to keyed ids
 * (`r_…`): the profile, its send-ledger rows and its receipts move to the new id, and the old id is kept
 * only as an alias to the new one, so unsubscribe and preference links in mail already sent keep
 * working. Running it again changes nothing.
 */
export async function migrateSubscriberIds(
  table: string,
  key: AddressKey,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<MigrationReport> {
  const client = dynamoDocumentClient();
  const legacy: Subscriber[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'sk = :profile AND begins_with(pk, :legacy)',
        ExpressionAttributeValues: { ':profile': 'PROFILE', ':legacy': 'SUB#s_' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, audience: _a, alsoOriginal: _o, ...subscriber } = item;
      legacy.push(subscriber as unknown as Subscriber);
    }
    start = page.LastEvaluatedKey;
  } while (start);

  const renamed = new Map<string, string>();
  const store = new DynamoSubscriberStore(table);
  for (const [index, subscriber] of legacy.entries()) {
    const id = subscriberIdFor(key, subscriber.email);
    await client.send(new PutCommand({ TableName: table, Item: subscriberItem({ ...subscriber, id }) }));
    await store.putAlias(subscriber.id, id);
    await client.send(new DeleteCommand({ TableName: table, Key: keys.subscriber(subscriber.id) }));
    renamed.set(subscriber.id, id);
    progress(index + 1, legacy.length);
  }
  // Rows of subscribers moved in an earlier, interrupted run are found through their aliases.
  const target = async (legacyId: string) =>
    renamed.get(legacyId) ?? (await store.get(legacyId))?.id ?? undefined;

  const move = async (item: Item, sk: string) => {
    await client.send(new PutCommand({ TableName: table, Item: { ...item, sk } }));
    await client.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
  };
  let ledgerRows = 0;
  for await (const entry of query(table, 'DIGESTS')) {
    for await (const row of query(table, `DIG#${entry.digestId as string}`, 'TO#s_')) {
      const to = await target(row.sk.slice('TO#'.length));
      if (!to || isLegacySubscriberId(to)) continue;
      await move(row, keys.delivery('', to).sk);
      ledgerRows++;
    }
  }
  let receipts = 0;
  const articles = new Set<string>();
  for await (const published of query(table, 'PUBLISHED')) articles.add(published.articleId as string);
  for (const articleId of articles) {
    for await (const receipt of query(table, `ART#${articleId}`, 'RCV#s_')) {
      const to = await target(receipt.sk.slice('RCV#'.length));
      if (!to || isLegacySubscriberId(to)) continue;
      await move(receipt, keys.receipt(articleId, to).sk);
      receipts++;
    }
  }
  return { subscribers: legacy.length, ledgerRows, receipts };
}
