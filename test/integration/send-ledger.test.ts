import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { dynamoDocumentClient, sesClient } from '#adapters/clients.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { EXPIRY_ATTRIBUTE, keys } from '#adapters/dynamodb-table.ts';
import { jobKeyOf } from '#core/digests/digest.ts';
import { mailTo, useLocalStack } from '../support/local-stack.ts';

const local = useLocalStack();
const LEASE_MS = 60_000;
const at = (ms: number) => new Date(Date.UTC(2026, 10, 28, 12, 0, 0) + ms);

async function rowOf(digestId: string, subscriberId: string) {
  const rows = [];
  for await (const row of new DynamoSendLedger(local.stack.config.table).rows(digestId)) rows.push(row);
  return rows.find((row) => row.subscriberId === subscriberId);
}

describe('the send ledger on the DynamoDB emulator', () => {
  it('claims a planned row once: a second claim sees it in flight, and a sent row is done', async () => {
    const ledger = new DynamoSendLedger(local.stack.config.table);
    await ledger.plan('d_a1', [{ digestId: 'd_a1', subscriberIds: ['s1'] }], at(0));

    expect(await ledger.claim('d_a1', 's1', LEASE_MS, at(0))).toEqual({
      kind: 'claimed',
      attempts: 1,
      tookOver: false,
    });
    expect(await ledger.claim('d_a1', 's1', LEASE_MS, at(1000))).toEqual({
      kind: 'in-flight',
      leaseUntil: at(LEASE_MS).getTime(),
    });
    await ledger.markSent(
      'd_a1',
      [{ subscriberId: 's1', messageId: 'm1', attempts: 1, tookOver: false }],
      at(2000),
    );
    expect(await ledger.claim('d_a1', 's1', LEASE_MS, at(3000))).toEqual({ kind: 'done' });
    expect(await rowOf('d_a1', 's1')).toMatchObject({ state: 'sent', attempts: 1, inFlightAtCrash: false });
  });

  it('counts attempts across failures, and a row taken over after a crash stays flagged when it fails and is claimed again', async () => {
    const ledger = new DynamoSendLedger(local.stack.config.table);
    await ledger.plan('d_a2', [{ digestId: 'd_a2', subscriberIds: ['s2'] }], at(0));

    await ledger.claim('d_a2', 's2', LEASE_MS, at(0));
    await ledger.markFailed('d_a2', 's2', 'ServiceUnavailable: try again', false, at(10));
    expect(await ledger.claim('d_a2', 's2', LEASE_MS, at(20))).toMatchObject({
      kind: 'claimed',
      attempts: 2,
    });

    // The sender dies here; once the lease has run out another one takes the row over.
    expect(await ledger.claim('d_a2', 's2', LEASE_MS, at(LEASE_MS + 30))).toEqual({
      kind: 'claimed',
      attempts: 3,
      tookOver: true,
    });
    expect(await rowOf('d_a2', 's2')).toMatchObject({ state: 'sending', inFlightAtCrash: true });

    await ledger.markFailed('d_a2', 's2', 'ServiceUnavailable: try again', false, at(LEASE_MS + 40));
    expect(await ledger.claim('d_a2', 's2', LEASE_MS, at(LEASE_MS + 50))).toEqual({
      kind: 'claimed',
      attempts: 4,
      tookOver: true,
    });
  });

  it("records a page of jobs as one plan item each, kept 35 days by the table's TTL, with no row per reader", async () => {
    const ledger = new DynamoSendLedger(local.stack.config.table);
    const job = { digestId: 'd_a5', render: 'd_a5narrow', subscriberIds: ['p1', 'p2', 'p3'] };
    await ledger.plan('d_a5', [job], at(0));
    const { Items } = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: local.stack.config.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'DIG#d_a5' },
        ConsistentRead: true,
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Items![0]).toMatchObject({
      sk: `PLAN#${jobKeyOf(job)}`,
      ids: ['p1', 'p2', 'p3'],
      render: 'd_a5narrow',
      [EXPIRY_ATTRIBUTE]: at(0).getTime() / 1000 + 35 * 24 * 3600,
    });
  });

  it('claims a row the planner has not written yet (a job that overtook its plan)', async () => {
    const ledger = new DynamoSendLedger(local.stack.config.table);
    expect(await ledger.claim('d_a3', 's3', LEASE_MS, at(0))).toEqual({
      kind: 'claimed',
      attempts: 1,
      tookOver: false,
    });
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: local.stack.config.table,
        Key: keys.delivery('d_a3', 's3'),
        UpdateExpression: 'SET #state = :skipped',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':skipped': 'skipped' },
      }),
    );
    expect(await ledger.claim('d_a3', 's3', LEASE_MS, at(10))).toEqual({ kind: 'done' });
  });
});

describe('the clients called once per recipient', () => {
  it('build a command’s middleware chain once, and each call still sends its own mail, even at once', async () => {
    const build = vi.spyOn(SendEmailCommand.prototype, 'resolveMiddleware');
    try {
      const send = (to: string) =>
        sesClient().send(
          new SendEmailCommand({
            // The local SES, like SES, takes mail only from a verified identity: the stack's From.
            FromEmailAddress: process.env.HERALD_FROM_ADDRESS,
            Destination: { ToAddresses: [to] },
            Content: { Simple: { Subject: { Data: `For ${to}` }, Body: { Text: { Data: `Hello ${to}` } } } },
          }),
        );
      const readers = Array.from({ length: 12 }, (_, i) => `cached${i}@example.org`);
      await send(readers[0]!);
      await Promise.all(readers.slice(1).map(send));
      expect(build).toHaveBeenCalledTimes(1);
      for (const reader of readers) {
        const mails = await mailTo(local.stack, reader);
        expect(mails.map((mail) => [mail.subject, mail.body.text])).toEqual([
          [`For ${reader}`, `Hello ${reader}`],
        ]);
      }
    } finally {
      build.mockRestore();
    }
  });

  it('the ledger claim too: one chain for many claims at once, each claiming its own row', async () => {
    const build = vi.spyOn(UpdateItemCommand.prototype, 'resolveMiddleware');
    try {
      const ledger = new DynamoSendLedger(local.stack.config.table);
      const readers = Array.from({ length: 12 }, (_, i) => `r${i}`);
      await ledger.plan('d_a4', [{ digestId: 'd_a4', subscriberIds: readers }], at(0));
      await ledger.claim('d_a4', readers[0]!, LEASE_MS, at(0));
      const claims = await Promise.all(
        readers.slice(1).map((id) => ledger.claim('d_a4', id, LEASE_MS, at(0))),
      );
      expect(claims.every((claim) => claim.kind === 'claimed' && claim.attempts === 1)).toBe(true);
      // Once at most: the claims in the tests above may already have built it.
      expect(build.mock.calls.length).toBeLessThanOrEqual(1);
      for (const id of readers)
        expect(await rowOf('d_a4', id)).toMatchObject({ state: 'sending', attempts: 1 });
    } finally {
      build.mockRestore();
    }
  });
});
