import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';

/**
 * Herald keeps its state in one table: `pk`/`sk` strings, and a sparse `audience` index over
 * confirmed subscribers (partition `<lang>#<cadence>`, sort `pk`).
 */
export const AUDIENCE_INDEX = 'audience';
/** Sparse index over confirmed subscribers who also want articles not in their language. */
export const ALSO_ORIGINAL_INDEX = 'alsoOriginal';
/** DynamoDB TTL removes a row some time after this instant (epoch seconds): housekeeping, never correctness. */
export const EXPIRY_ATTRIBUTE = 'expiresAt';

export const keys = {
  subscriber: (id: string) => ({ pk: `SUB#${id}`, sk: 'PROFILE' }),
  /** A legacy (unkeyed) subscriber id pointing at the keyed id it became. */
  subscriberAlias: (legacyId: string) => ({ pk: `SUB#${legacyId}`, sk: 'ALIAS' }),
  articleVersion: (articleId: string, lang: string) => ({ pk: `ART#${articleId}`, sk: `V#${lang}` }),
  mailing: (articleId: string, lang: string) => ({ pk: `ART#${articleId}`, sk: `MAIL#${lang}` }),
  contentMailing: (hash: string) => ({ pk: `CONTENT#${hash}`, sk: 'MAIL' }),
  source: (key: string) => ({ pk: `SRC#${key}`, sk: 'SOURCE' }),
  /** Herald's own removal of `key` (a quarantine), announced so its delete event withdraws nothing. */
  expectedRemoval: (key: string) => ({ pk: `SRC#${key}`, sk: 'REMOVAL' }),
  receipt: (articleId: string, subscriberId: string) => ({
    pk: `ART#${articleId}`,
    sk: `RCV#${subscriberId}`,
  }),
  digest: (id: string) => ({ pk: `DIG#${id}`, sk: 'META' }),
  published: (at: string, articleId: string, lang: string) => ({
    pk: 'PUBLISHED',
    sk: `${at}#${articleId}#${lang}`,
  }),
  cursor: (cadence: string) => ({ pk: `CURSOR#${cadence}`, sk: 'CURSOR' }),
  archive: (lang: string, published: string, articleId: string) => ({
    pk: `ARCHIVE#${lang}`,
    sk: `${published}#${articleId}`,
  }),
  rate: (scope: string, key: string, window: number) => ({ pk: `RATE#${scope}#${key}`, sk: String(window) }),
  delivery: (digestId: string, subscriberId: string) => ({ pk: `DIG#${digestId}`, sk: `TO#${subscriberId}` }),
  /** One planned job of a digest: its readers and variant, until they have rows of their own. */
  planned: (digestId: string, jobKey: string) => ({ pk: `DIG#${digestId}`, sk: `PLAN#${jobKey}` }),
  /** The lease of one send job of a digest. */
  sendJob: (digestId: string, jobKey: string) => ({ pk: `DIG#${digestId}`, sk: `JOB#${jobKey}` }),
  /** Every digest, newest last, for `herald status`. */
  digestIndex: (createdAt: string, id: string) => ({ pk: 'DIGESTS', sk: `${createdAt}#${id}` }),
  sendingSwitch: () => ({ pk: 'CONTROL', sk: 'SENDING' }),
  /** Sends counted in one slot of the daily quota's rolling window. */
  quotaSlot: (slot: number) => ({ pk: 'QUOTA', sk: String(slot) }),
};

/**
 * The idempotency lock: a conditional put that succeeds when the row is new, or when it may be
 * taken over (`takeoverCondition`, e.g. its lease ran out). False when somebody else holds it.
 */
export async function claimRow(
  table: string,
  item: Record<string, unknown> & { pk: string; sk: string },
  takeover: { condition: string; values: Record<string, unknown>; names?: Record<string, string> },
): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: `attribute_not_exists(pk) OR (${takeover.condition})`,
        ExpressionAttributeValues: Object.keys(takeover.values).length > 0 ? takeover.values : undefined,
        ExpressionAttributeNames: takeover.names,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  return cursor
    ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>)
    : undefined;
}

type Item = Record<string, unknown>;
const backOff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));

/** Reads items by key, 100 per BatchGetItem (strongly consistent), asking again for what is left unprocessed. */
export async function batchGet(table: string, itemKeys: readonly Item[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < itemKeys.length; start += 100) {
    let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = {
      [table]: { Keys: itemKeys.slice(start, start + 100), ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await backOff(attempt);
      const result = await dynamoDocumentClient().send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(result.Responses?.[table] ?? []));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/** BatchWriteItem calls one batchPut has in flight at once. */
const BATCH_WRITES_AT_ONCE = 4;

/** Puts items, 25 per BatchWriteItem (a few calls at once), retrying what DynamoDB leaves unprocessed. */
export async function batchPut(table: string, items: readonly Item[]): Promise<void> {
  // Up to BATCH_WRITES_AT_ONCE calls of 25 in flight: a planner's page of 500 is 20 calls.
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const start = next;
      next += 25;
      let request: Record<string, Array<{ PutRequest: { Item: Item } }>> | undefined = {
        [table]: items.slice(start, start + 25).map((entry) => ({ PutRequest: { Item: entry } })),
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await backOff(attempt);
        const result = await dynamoDocumentClient().send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
      }
    }
  };
  const workers = Math.min(BATCH_WRITES_AT_ONCE, Math.ceil(items.length / 25));
  await Promise.all(Array.from({ length: workers }, worker));
}
