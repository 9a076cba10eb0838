import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { SendLedger } from '#core/delivery/ports.ts';

const LEASE_MS = 60_000;
const at = (ms: number) => new Date(Date.UTC(2026, 10, 28, 12, 0, 0) + ms);

/** What every send ledger does, the in-memory fake and the DynamoDB adapter alike. */
export function sendLedgerContract(ledger: () => SendLedger) {
  const digest = () => `d_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

  it('claims a planned row once: a second claim sees it in flight, and a sent row is done', async () => {
    const rows = ledger();
    const id = digest();
    await rows.plan(id, ['s1'], false, at(0));
    expect(await rows.claim(id, 's1', LEASE_MS, at(0))).toEqual({
      kind: 'claimed',
      attempts: 1,
      tookOver: false,
    });
    expect(await rows.claim(id, 's1', LEASE_MS, at(1000))).toEqual({
      kind: 'in-flight',
      leaseUntil: at(LEASE_MS).getTime(),
    });
    await rows.markSent(
      id,
      [{ subscriberId: 's1', messageId: 'm1', attempts: 1, tookOver: false }],
      at(2000),
    );
    expect(await rows.claim(id, 's1', LEASE_MS, at(3000))).toEqual({ kind: 'done' });
  });

  it('counts attempts across failures, and a row whose lease ran out is taken over', async () => {
    const rows = ledger();
    const id = digest();
    await rows.plan(id, ['s2'], false, at(0));
    await rows.claim(id, 's2', LEASE_MS, at(0));
    await rows.markFailed(id, 's2', 'ServiceUnavailable: try again', false, at(10));
    expect(await rows.claim(id, 's2', LEASE_MS, at(20))).toMatchObject({ kind: 'claimed', attempts: 2 });
    expect(await rows.claim(id, 's2', LEASE_MS, at(LEASE_MS + 30))).toEqual({
      kind: 'claimed',
      attempts: 3,
      tookOver: true,
    });
  });

  it('a released row is claimed again at once; a rejected or skipped one never', async () => {
    const rows = ledger();
    const id = digest();
    await rows.plan(id, ['s3', 's4', 's5'], false, at(0));
    await rows.claim(id, 's3', LEASE_MS, at(0));
    await rows.release(id, 's3', at(1));
    expect(await rows.claim(id, 's3', LEASE_MS, at(2))).toMatchObject({ kind: 'claimed' });
    await rows.claim(id, 's4', LEASE_MS, at(0));
    await rows.markFailed(id, 's4', 'MessageRejected: invalid address', true, at(1));
    expect(await rows.claim(id, 's4', LEASE_MS, at(2))).toEqual({ kind: 'done' });
    await rows.markSkipped(id, 's5', 'unsubscribed', at(1));
    expect(await rows.claim(id, 's5', LEASE_MS, at(2))).toEqual({ kind: 'done' });
  });

  it('lists every row of a digest with its state, and a sent row stays sent when skipped later', async () => {
    const rows = ledger();
    const id = digest();
    await rows.plan(id, ['a', 'b'], false, at(0));
    await rows.claim(id, 'a', LEASE_MS, at(0));
    await rows.markSent(id, [{ subscriberId: 'a', messageId: 'm-a', attempts: 1, tookOver: false }], at(1));
    await rows.markSkipped(id, 'a', 'cancelled', at(2));
    const listed = new Map<string, string>();
    for await (const row of rows.rows(id)) listed.set(row.subscriberId, row.state);
    expect(Object.fromEntries(listed)).toEqual({ a: 'sent', b: 'pending' });
  });
}
