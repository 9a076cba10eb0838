import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { keys } from '#adapters/dynamodb-table.ts';
import type { SendingSwitch, SendQuota } from '#core/delivery/ports.ts';

/** The global sending switch, one item; no item means on. */
export class DynamoSendingSwitch implements SendingSwitch {
  constructor(private readonly table: string) {}

  async get() {
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({ TableName: this.table, Key: keys.sendingSwitch(), ConsistentRead: true }),
    );
    return {
      on: Item?.on !== false,
      reason: Item?.reason as string | undefined,
      at: Item?.at as string | undefined,
    };
  }

  async set(on: boolean, reason: string | undefined, now: Date) {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.sendingSwitch(), on, ...(reason ? { reason } : {}), at: now.toISOString() },
      }),
    );
  }
}

const SLOTS = 24;

/**
 * The daily quota as a rolling window of 24 slots (hours, for a one-day window), shared by all senders:
 * a reservation reads the window (one call) and adds to the current slot only if the total stays within
 * the limit (one conditional call), so concurrent senders cannot overshoot it together.
 */
export class DynamoSendQuota implements SendQuota {
  private readonly slotMs: number;

  constructor(
    private readonly table: string,
    private readonly limit: number,
    private readonly windowSeconds = 86_400,
  ) {
    this.slotMs = (windowSeconds * 1000) / SLOTS;
  }

  async reserve(count: number, now: Date) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const window = await this.read(now);
      const available = this.limit - window.used;
      if (available <= 0) return { granted: 0, retryAfterSeconds: window.freesInSeconds };
      const granted = Math.min(count, available);
      try {
        await dynamoDocumentClient().send(
          new UpdateCommand({
            TableName: this.table,
            Key: keys.quotaSlot(window.slot),
            UpdateExpression: 'ADD sent :n SET expiresAt = :expires',
            ConditionExpression: 'attribute_not_exists(sent) OR sent <= :max',
            ExpressionAttributeValues: {
              ':n': granted,
              ':max': this.limit - window.usedBefore - granted,
              ':expires': Math.ceil(((window.slot + SLOTS + 1) * this.slotMs) / 1000),
            },
          }),
        );
        return { granted, retryAfterSeconds: granted < count ? window.freesInSeconds : 0 };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return { granted: 0, retryAfterSeconds: 1 };
  }

  async usage(now: Date) {
    const { used } = await this.read(now);
    return { used, limit: this.limit, windowSeconds: this.windowSeconds };
  }

  /** The window's slots: sends in the current one, in the ones before, and when the oldest frees up. */
  private async read(now: Date) {
    const slot = Math.floor(now.getTime() / this.slotMs);
    const slots = Array.from({ length: SLOTS }, (_, i) => slot - i);
    const { Responses } = await dynamoDocumentClient().send(
      new BatchGetCommand({
        RequestItems: {
          [this.table]: { Keys: slots.map((s) => keys.quotaSlot(s)), ConsistentRead: true },
        },
      }),
    );
    const sent = new Map<number, number>();
    for (const item of Responses?.[this.table] ?? []) sent.set(Number(item.sk), Number(item.sent ?? 0));
    const usedBefore = slots.slice(1).reduce((sum, s) => sum + (sent.get(s) ?? 0), 0);
    const used = usedBefore + (sent.get(slot) ?? 0);
    const oldest = [...slots].reverse().find((s) => (sent.get(s) ?? 0) > 0) ?? slot;
    const freesInSeconds = Math.max(1, Math.ceil(((oldest + SLOTS) * this.slotMs - now.getTime()) / 1000));
    return { slot, used, usedBefore, freesInSeconds };
  }
}

/** No daily quota (a configuration without one): every reservation is granted, without a call. */
export const unlimitedQuota: SendQuota = {
  reserve: async (count) => ({ granted: count, retryAfterSeconds: 0 }),
  usage: async () => ({ used: 0, limit: Number.POSITIVE_INFINITY, windowSeconds: 86_400 }),
};
