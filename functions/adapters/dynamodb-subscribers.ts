import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import {
  ALSO_ORIGINAL_INDEX,
  AUDIENCE_INDEX,
  batchGet,
  decodeCursor,
  encodeCursor,
  keys,
} from '#adapters/dynamodb-table.ts';
import type { Language } from '#core/i18n/languages.ts';
import { isLegacySubscriberId } from '#core/subscriptions/address-hash.ts';
import type { AudiencePage, SubscriberStore } from '#core/subscriptions/ports.ts';
import type { Cadence, Subscriber, SubscriberStatus } from '#core/subscriptions/subscriber.ts';

const audienceOf = (lang: Language, cadence: Cadence) => `${lang}#${cadence}`;

/** A subscriber as stored: the profile, and the sparse audience index keys when confirmed. */
export function subscriberItem(subscriber: Subscriber) {
  const confirmed = subscriber.status === 'confirmed';
  return {
    ...keys.subscriber(subscriber.id),
    ...subscriber,
    // Sparse indexes: only confirmed subscribers are in an audience.
    audience: confirmed ? audienceOf(subscriber.lang, subscriber.cadence) : undefined,
    alsoOriginal:
      confirmed && subscriber.alsoOriginalLanguage
        ? audienceOf(subscriber.lang, subscriber.cadence)
        : undefined,
  };
}

function fromItem(item: Record<string, unknown>): Subscriber {
  const { pk: _pk, sk: _sk, audience: _audience, alsoOriginal: _alsoOriginal, ...subscriber } = item;
  return subscriber as unknown as Subscriber;
}

export class DynamoSubscriberStore implements SubscriberStore {
  constructor(private readonly table: string) {}

  async put(subscriber: Subscriber): Promise<void> {
    await dynamoDocumentClient().send(
      new PutCommand({ TableName: this.table, Item: subscriberItem(subscriber) }),
    );
  }

  async get(id: string): Promise<Subscriber | undefined> {
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: this.table, Key: keys.subscriber(id), ConsistentRead: true }),
    );
    if (Item) return fromItem(Item);
    // An id from before ids were keyed (old mail's links): `herald subscribers migrate-ids` left an alias.
    if (!isLegacySubscriberId(id)) return undefined;
    const { Item: alias } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: this.table, Key: keys.subscriberAlias(id), ConsistentRead: true }),
    );
    return typeof alias?.of === 'string' && !isLegacySubscriberId(alias.of) ? this.get(alias.of) : undefined;
  }

  /** Records that a legacy id now names the subscriber `of`, so old links keep working. */
  async putAlias(legacyId: string, of: string): Promise<void> {
    await dynamoDocumentClient().send(
      new PutCommand({ TableName: this.table, Item: { ...keys.subscriberAlias(legacyId), of } }),
    );
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Subscriber>> {
    const items = await batchGet(
      this.table,
      [...new Set(ids)].map((id) => keys.subscriber(id)),
    );
    return new Map(items.map((item) => fromItem(item)).map((subscriber) => [subscriber.id, subscriber]));
  }

  async pageAudience(
    lang: Language,
    cadence: Cadence,
    limit: number,
    cursor?: string,
    alsoOriginalOnly = false,
  ): Promise<AudiencePage> {
    const index = alsoOriginalOnly ? ALSO_ORIGINAL_INDEX : AUDIENCE_INDEX;
    const result = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: '#index = :audience',
        ExpressionAttributeNames: { '#index': index },
        ExpressionAttributeValues: { ':audience': audienceOf(lang, cadence) },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    return { subscribers: (result.Items ?? []).map(fromItem), cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async setStatus(id: string, status: SubscriberStatus, now: Date): Promise<void> {
    if (status === 'confirmed') {
      const subscriber = await this.get(id);
      if (subscriber) await this.put({ ...subscriber, status, updatedAt: now.toISOString() });
      return;
    }
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.subscriber(id),
        ConditionExpression: 'attribute_exists(pk)',
        UpdateExpression: 'SET #status = :status, updatedAt = :now REMOVE audience, alsoOriginal',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':now': now.toISOString() },
      }),
    );
  }

  async delete(id: string): Promise<void> {
    for (const key of [keys.subscriber(id), keys.subscriberAlias(id)])
      await dynamoDocumentClient().send(new DeleteCommand({ TableName: this.table, Key: key }));
  }
}
