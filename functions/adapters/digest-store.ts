import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { keys } from '#adapters/dynamodb-table.ts';
import { S3RenderedDigests } from '#adapters/s3-documents.ts';
import type { DigestControl, DigestRecord, RenderedDigest } from '#core/digests/digest.ts';
import { DigestCancelledError, DigestNotFoundError } from '#core/digests/errors.ts';
import type { DigestStore } from '#core/digests/ports.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';

const RECORD_FIELDS = [
  'id',
  'cadence',
  'lang',
  'articles',
  'createdAt',
  'control',
  'controlReason',
  'approval',
  'testCopies',
  'planned',
  'jobs',
  'planCursor',
  'planComplete',
  'failureStreak',
] as const;

// `audience` names the table's audience index key: the record's audience is stored as `audienceSpec`.
function toItem(record: DigestRecord) {
  const { audience, ...rest } = record;
  return { ...keys.digest(record.id), ...rest, audienceSpec: audience };
}

function fromItem(item: Record<string, unknown>): DigestRecord {
  // A digest recorded by an earlier version of Herald was planned in one go: it counts as planned.
  const record: Record<string, unknown> = {
    control: 'run',
    planned: 0,
    jobs: 0,
    planComplete: item.audienceSpec === undefined,
    articles: [],
  };
  for (const field of RECORD_FIELDS) if (item[field] !== undefined) record[field] = item[field];
  record.audience = item.audienceSpec;
  return record as unknown as DigestRecord;
}

/**
 * Digest records in DynamoDB (with the planner's cursor and lease, and the operator's control); their
 * rendered HTML and text in S3 (too large for an item), kept in memory once read: a rendered digest
 * never changes.
 */
export class AwsDigestStore implements DigestStore {
  private readonly rendered: S3RenderedDigests;
  private readonly cache = new Map<string, Promise<RenderedDigest>>();

  constructor(
    private readonly table: string,
    bucket: string,
  ) {
    this.rendered = new S3RenderedDigests(bucket);
  }

  saveRendered(rendered: RenderedDigest) {
    return this.rendered.save(rendered);
  }

  loadRendered(renderId: string) {
    let loaded = this.cache.get(renderId);
    if (!loaded) {
      loaded = this.rendered.load(renderId);
      loaded.catch(() => this.cache.delete(renderId));
      if (this.cache.size >= 32) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(renderId, loaded);
    }
    return loaded;
  }

  async createRecord(record: DigestRecord): Promise<DigestRecord> {
    try {
      await dynamoDocumentClient().send(
        new PutCommand({
          TableName: this.table,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await dynamoDocumentClient().send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.digestIndex(record.createdAt, record.id), digestId: record.id },
        }),
      );
      return record;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.getRecord(record.id))!;
    }
  }

  async getRecord(digestId: string): Promise<DigestRecord | undefined> {
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: this.table, Key: keys.digest(digestId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async listRecords(limit: number): Promise<DigestRecord[]> {
    const { Items } = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'DIGESTS' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const records: DigestRecord[] = [];
    for (const item of Items ?? []) {
      const record = await this.getRecord(String(item.digestId));
      if (record) records.push(record);
    }
    return records;
  }

  async leasePlanner(digestId: string, owner: string, leaseMs: number, now: Date) {
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.digest(digestId),
          UpdateExpression: 'SET plannerOwner = :owner, plannerLeaseUntil = :lease',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(plannerLeaseUntil) OR plannerLeaseUntil < :now)',
          ExpressionAttributeValues: {
            ':owner': owner,
            ':lease': now.getTime() + leaseMs,
            ':now': now.getTime(),
          },
        }),
      );
      return { acquired: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { acquired: false };
    }
  }

  async advancePlan(
    digestId: string,
    owner: string,
    from: string | undefined,
    to: { cursor?: string; planned: number; jobs: number; complete: boolean },
    leaseMs: number,
    now: Date,
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':owner': owner,
      ':cancelled': 'cancelled',
      ':planned': to.planned,
      ':jobs': to.jobs,
      ':complete': to.complete,
      ':lease': to.complete ? 0 : now.getTime() + leaseMs,
    };
    if (from !== undefined) values[':from'] = from;
    if (to.cursor !== undefined) values[':to'] = to.cursor;
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.digest(digestId),
          UpdateExpression: `SET planned = :planned, jobs = :jobs, planComplete = :complete, plannerLeaseUntil = :lease${
            to.cursor !== undefined ? ', planCursor = :to' : ''
          }${to.cursor === undefined ? ' REMOVE planCursor' : ''}`,
          ConditionExpression: `plannerOwner = :owner AND (attribute_not_exists(control) OR control <> :cancelled) AND ${
            from === undefined ? 'attribute_not_exists(planCursor)' : 'planCursor = :from'
          }`,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async setControl(digestId: string, control: DigestControl, reason: string | undefined, now: Date) {
    await this.update(
      digestId,
      `SET control = :control, controlAt = :at${reason ? ', controlReason = :reason' : ''}${
        control === 'run' ? ', failureStreak = :zero' : ''
      }${reason ? '' : ' REMOVE controlReason'}`,
      {
        ':control': control,
        ':at': now.toISOString(),
        ':cancelled': 'cancelled',
        ...(reason ? { ':reason': reason } : {}),
        ...(control === 'run' ? { ':zero': 0 } : {}),
      },
      '(attribute_not_exists(control) OR control <> :cancelled)',
    );
  }

  async setApproval(digestId: string, approval: 'required' | 'approved', now: Date) {
    await this.update(digestId, 'SET approval = :approval, approvalAt = :at', {
      ':approval': approval,
      ':at': now.toISOString(),
    });
  }

  async countTestCopy(digestId: string, now: Date) {
    await this.update(digestId, 'SET lastTestAt = :at ADD testCopies :one', {
      ':one': 1,
      ':at': now.toISOString(),
    });
  }

  async noteFailures(digestId: string, trailing: number, afterSuccess: boolean): Promise<number> {
    const { Attributes } = await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.digest(digestId),
        UpdateExpression: afterSuccess ? 'SET failureStreak = :n' : 'ADD failureStreak :n',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':n': trailing },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.failureStreak ?? trailing);
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

  private async update(
    digestId: string,
    expression: string,
    values: Record<string, unknown>,
    condition?: string,
  ) {
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.digest(digestId),
          UpdateExpression: expression,
          ConditionExpression: condition ? `attribute_exists(pk) AND ${condition}` : 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const record = await this.getRecord(digestId);
      if (!record) throw new DigestNotFoundError(`there is no digest ${digestId}`);
      throw new DigestCancelledError(`${digestId} is cancelled: it cannot be changed`);
    }
  }
}
