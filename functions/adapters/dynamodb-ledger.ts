import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { keys } from '#adapters/dynamodb-table.ts';
import type { LedgerClaim, SendLedger } from '#ports/index.ts';

/**
 * The send ledger. A row goes `sending` → `sent` (or `failed`, `skipped`). A `sending` row whose lease
 * ran out means a sender died between claiming and marking: it may be taken over, so that recipient
 * can get at most one duplicate — and the row's `attempts` says so.
 */
export class DynamoSendLedger implements SendLedger {
  constructor(private readonly table: string) {}

  async claim(digestId: string, subscriberId: string, leaseMs: number, now: Date): Promise<LedgerClaim> {
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.delivery(digestId, subscriberId),
          UpdateExpression: 'SET #state = :sending, leaseUntil = :lease, updatedAt = :at ADD attempts :one',
          ConditionExpression:
            'attribute_not_exists(pk) OR #state = :failed OR (#state = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':failed': 'failed',
            ':lease': now.getTime() + leaseMs,
            ':now': now.getTime(),
            ':at': now.toISOString(),
            ':one': 1,
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await dynamoDocumentClient().send(
        new GetCommand({
          TableName: this.table,
          Key: keys.delivery(digestId, subscriberId),
          ConsistentRead: true,
        }),
      );
      return Item?.state === 'sending' ? 'in-flight' : 'already-sent';
    }
  }

  markSent(digestId: string, subscriberId: string, messageId: string, now: Date) {
    return this.mark(
      digestId,
      subscriberId,
      'SET #state = :state, messageId = :detail, updatedAt = :at REMOVE leaseUntil, lastError',
      'sent',
      messageId,
      now,
    );
  }

  markFailed(digestId: string, subscriberId: string, error: string, now: Date) {
    return this.mark(
      digestId,
      subscriberId,
      'SET #state = :state, lastError = :detail, updatedAt = :at REMOVE leaseUntil',
      'failed',
      error.slice(0, 500),
      now,
    );
  }

  /** A recipient who left before the job ran; a row already marked sent stays sent. */
  async markSkipped(digestId: string, subscriberId: string, reason: string, now: Date) {
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.delivery(digestId, subscriberId),
          UpdateExpression: 'SET #state = :state, reason = :detail, updatedAt = :at',
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :sent',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':state': 'skipped',
            ':sent': 'sent',
            ':detail': reason,
            ':at': now.toISOString(),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async mark(
    digestId: string,
    subscriberId: string,
    update: string,
    state: string,
    detail: string,
    now: Date,
  ) {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.delivery(digestId, subscriberId),
        UpdateExpression: update,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':state': state, ':detail': detail, ':at': now.toISOString() },
      }),
    );
  }
}
