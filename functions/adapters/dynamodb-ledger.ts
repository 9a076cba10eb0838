import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, dynamoDocumentClient } from '#adapters/clients.ts';
import { batchGet, batchPut, EXPIRY_ATTRIBUTE, keys } from '#adapters/dynamodb-table.ts';
import type {
  JobEnd,
  JobLease,
  LedgerClaim,
  LedgerRow,
  LedgerState,
  SendLedger,
  SentMark,
  Unsent,
} from '#core/delivery/ports.ts';
import { jobKeyOf, type SendJob } from '#core/digests/digest.ts';

const ROW_PREFIX = 'TO#';
const PLAN_PREFIX = 'PLAN#';
const JOB_PREFIX = 'JOB#';

/**
 * How long a digest's plan items are kept: past the send queue's longest retention (14 days) and a
 * digest spread over days by the daily quota, after which nothing can still be sending it.
 */
const PLAN_KEPT_SECONDS = 35 * 24 * 3600;

/**
 * The send ledger, in the digest's partition (`DIG#<id>` / `TO#<subscriber>`). A row goes `pending` →
 * `sending` → `sent` (or `failed` and again, `rejected`, `skipped`). A `sending` row whose lease ran out
 * means a sender died between claiming and marking: another may take it over, so that reader can get at
 * most one duplicate — and the row's `inFlightAtCrash` says so.
 */
export class DynamoSendLedger implements SendLedger {
  constructor(private readonly table: string) {}

  /** One plan item per job, 25 to a `BatchWriteItem`: a page of 500 readers is one call, not 20. */
  async plan(digestId: string, jobs: readonly SendJob[], now: Date) {
    const expiresAt = Math.floor(now.getTime() / 1000) + PLAN_KEPT_SECONDS;
    await batchPut(
      this.table,
      jobs.map((job) => ({
        ...keys.planned(digestId, jobKeyOf(job)),
        ids: [...job.subscriberIds],
        ...(job.render ? { render: job.render } : {}),
        plannedAt: now.toISOString(),
        [EXPIRY_ATTRIBUTE]: expiresAt,
      })),
    );
  }

  /**
   * The write made before every SES call, so it goes through the plain client with its attribute
   * values written out (see `dynamoClient`); the rare take-over below uses the document client.
   */
  async claim(digestId: string, subscriberId: string, leaseMs: number, now: Date): Promise<LedgerClaim> {
    const key = keys.delivery(digestId, subscriberId);
    try {
      const { Attributes: old } = await dynamoClient().send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          UpdateExpression: 'SET #state = :sending, leaseUntil = :lease, updatedAt = :at ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR #state IN (:pending, :failed)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': { S: 'sending' },
            ':pending': { S: 'pending' },
            ':failed': { S: 'failed' },
            ':lease': { N: String(now.getTime() + leaseMs) },
            ':at': { S: now.toISOString() },
            ':one': { N: '1' },
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return {
        kind: 'claimed',
        attempts: Number(old?.attempts?.N ?? 0) + 1,
        tookOver: old?.inFlightAtCrash?.BOOL === true,
      };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    if (Item?.state !== 'sending') return { kind: 'done' };
    const leaseUntil = Number(Item.leaseUntil);
    if (leaseUntil >= now.getTime()) return { kind: 'in-flight', leaseUntil };
    // The sender that claimed this row died before marking it: take it over, and say so in the row.
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET leaseUntil = :lease, updatedAt = :at, inFlightAtCrash = :yes ADD attempts :one',
          ConditionExpression: '#state = :sending AND leaseUntil = :seen',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':seen': leaseUntil,
            ':lease': now.getTime() + leaseMs,
            ':at': now.toISOString(),
            ':yes': true,
            ':one': 1,
          },
        }),
      );
      return { kind: 'claimed', attempts: Number(Item.attempts ?? 0) + 1, tookOver: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { kind: 'in-flight', leaseUntil: now.getTime() + leaseMs };
    }
  }

  async leaseJob(
    digestId: string,
    jobKey: string,
    owner: string,
    leaseMs: number,
    now: Date,
  ): Promise<JobLease> {
    const key = keys.sendJob(digestId, jobKey);
    try {
      const { Attributes: old } = await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET #state = :running, leaseUntil = :lease, #owner = :owner, updatedAt = :at',
          ConditionExpression:
            'attribute_not_exists(pk) OR #state = :released OR (#state = :running AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':running': 'running',
            ':released': 'released',
            ':lease': now.getTime() + leaseMs,
            ':now': now.getTime(),
            ':at': now.toISOString(),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { kind: 'held', tookOver: old?.state === 'running' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    if (Item?.state === 'finished') return { kind: 'finished' };
    if (Item?.state === 'handed-on')
      return { kind: 'handed-on', next: Item.next as SendJob, delaySeconds: Number(Item.delaySeconds ?? 0) };
    return { kind: 'busy', leaseUntil: Number(Item?.leaseUntil ?? now.getTime() + leaseMs) };
  }

  async renewJob(digestId: string, jobKey: string, owner: string, leaseMs: number, now: Date) {
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.sendJob(digestId, jobKey),
          UpdateExpression: 'SET leaseUntil = :lease, updatedAt = :at',
          ConditionExpression: '#state = :running AND #owner = :owner',
          ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':owner': owner,
            ':lease': now.getTime() + leaseMs,
            ':at': now.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async endJob(digestId: string, jobKey: string, owner: string, end: JobEnd, now: Date) {
    const handedOn = end.kind === 'handed-on' ? ', #next = :next, delaySeconds = :delay' : '';
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.sendJob(digestId, jobKey),
          UpdateExpression: `SET #state = :state, updatedAt = :at${handedOn} REMOVE leaseUntil`,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#owner': 'owner',
            ...(end.kind === 'handed-on' ? { '#next': 'next' } : {}),
          },
          ExpressionAttributeValues: {
            ':state': end.kind,
            ':owner': owner,
            ':at': now.toISOString(),
            ...(end.kind === 'handed-on' ? { ':next': end.next, ':delay': end.delaySeconds } : {}),
          },
        }),
      );
    } catch (error) {
      // The lease ran out and another sender holds the job now: the end is theirs to write.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async claimAll(
    digestId: string,
    subscriberIds: readonly string[],
    leaseMs: number,
    now: Date,
    jobRender?: string,
  ): Promise<Map<string, LedgerClaim>> {
    const items = await batchGet(
      this.table,
      subscriberIds.map((id) => keys.delivery(digestId, id)),
    );
    const byId = new Map(items.map((item) => [String(item.sk).slice(ROW_PREFIX.length), item]));
    const claims = new Map<string, LedgerClaim>();
    const marked: Array<Record<string, unknown>> = [];
    for (const id of subscriberIds) {
      const item = byId.get(id);
      const state = item?.state as LedgerState | undefined;
      if (state === 'sending' && Number(item?.leaseUntil) >= now.getTime()) {
        claims.set(id, { kind: 'in-flight', leaseUntil: Number(item?.leaseUntil) });
        continue;
      }
      if (state !== undefined && state !== 'pending' && state !== 'failed' && state !== 'sending') {
        claims.set(id, { kind: 'done' });
        continue;
      }
      // A row left `sending` by a sender that died is taken over, and says so.
      const tookOver = state === 'sending' || item?.inFlightAtCrash === true;
      const attempts = Number(item?.attempts ?? 0) + 1;
      const render = item?.render === undefined ? jobRender : String(item.render);
      claims.set(id, { kind: 'claimed', attempts, tookOver, ...(render ? { render } : {}) });
      marked.push({
        ...(item ?? keys.delivery(digestId, id)),
        ...(render ? { render } : {}),
        state: 'sending',
        attempts,
        leaseUntil: now.getTime() + leaseMs,
        ...(tookOver ? { inFlightAtCrash: true } : {}),
        updatedAt: now.toISOString(),
      });
    }
    await batchPut(this.table, marked);
    return claims;
  }

  async releaseAll(digestId: string, rows: readonly Unsent[], now: Date) {
    await batchPut(
      this.table,
      rows.map((row) => ({
        ...keys.delivery(digestId, row.subscriberId),
        state: 'pending',
        attempts: row.attempts,
        ...(row.render ? { render: row.render } : {}),
        ...(row.tookOver ? { inFlightAtCrash: true } : {}),
        updatedAt: now.toISOString(),
      })),
    );
  }

  async release(digestId: string, subscriberId: string, now: Date) {
    await dynamoDocumentClient()
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.delivery(digestId, subscriberId),
          UpdateExpression: 'SET #state = :pending, updatedAt = :at REMOVE leaseUntil',
          ConditionExpression: '#state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':sending': 'sending',
            ':at': now.toISOString(),
          },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  /** Sent rows in batches of 25 (one call), after the SES calls they record. */
  async markSent(digestId: string, marks: readonly SentMark[], now: Date) {
    await batchPut(
      this.table,
      marks.map((mark) => ({
        ...keys.delivery(digestId, mark.subscriberId),
        state: 'sent',
        messageId: mark.messageId,
        attempts: mark.attempts,
        ...(mark.tookOver ? { inFlightAtCrash: true } : {}),
        updatedAt: now.toISOString(),
      })),
    );
  }

  async markFailed(digestId: string, subscriberId: string, error: string, permanent: boolean, now: Date) {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.delivery(digestId, subscriberId),
        UpdateExpression: 'SET #state = :state, reason = :reason, updatedAt = :at REMOVE leaseUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':state': permanent ? 'rejected' : 'failed',
          ':reason': error.slice(0, 500),
          ':at': now.toISOString(),
        },
      }),
    );
  }

  /** A recipient not mailed on purpose; a row already sent stays sent. */
  async markSkipped(digestId: string, subscriberId: string, reason: string, now: Date) {
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.delivery(digestId, subscriberId),
          UpdateExpression: 'SET #state = :state, reason = :reason, updatedAt = :at',
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :sent',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': 'skipped',
            ':sent': 'sent',
            ':reason': reason,
            ':at': now.toISOString(),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async *rows(digestId: string): AsyncIterable<LedgerRow> {
    // Planned readers first (ids only), then the rows: a planned reader with no row yet is pending.
    // A job that finished left a row for each of its readers (an erased reader's moved to an anonymous
    // id): its plan says nothing more.
    const finished = new Set<string>();
    for await (const item of this.query(digestId, JOB_PREFIX, 'sk, #state'))
      if (item.state === 'finished') finished.add(String(item.sk).slice(JOB_PREFIX.length));
    const planned = new Map<string, string | undefined>();
    for await (const item of this.query(digestId, PLAN_PREFIX, 'sk, ids, render')) {
      if (finished.has(String(item.sk).slice(PLAN_PREFIX.length))) continue;
      const render = item.render === undefined ? undefined : String(item.render);
      for (const id of item.ids as string[]) if (!planned.has(id) || render) planned.set(id, render);
    }
    for await (const item of this.query(
      digestId,
      ROW_PREFIX,
      'sk, #state, reason, attempts, inFlightAtCrash, render',
    )) {
      const subscriberId = String(item.sk).slice(ROW_PREFIX.length);
      planned.delete(subscriberId);
      yield {
        subscriberId,
        state: item.state as LedgerState,
        reason: item.reason as string | undefined,
        attempts: Number(item.attempts ?? 0),
        inFlightAtCrash: item.inFlightAtCrash === true,
        ...(item.render ? { render: String(item.render) } : {}),
      };
    }
    for (const [subscriberId, render] of planned)
      yield { subscriberId, state: 'pending', attempts: 0, ...(render ? { render } : {}) };
  }

  private async *query(digestId: string, prefix: string, projection: string) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamoDocumentClient().send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ProjectionExpression: projection,
          ...(projection.includes('#state') ? { ExpressionAttributeNames: { '#state': 'state' } } : {}),
          ExpressionAttributeValues: { ':pk': keys.digest(digestId).pk, ':prefix': prefix },
          ExclusiveStartKey: start,
        }),
      );
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }
}
