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
    await rows.plan(id, [{ digestId: id, subscriberIds: ['s1'] }], at(0));
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
    await rows.plan(id, [{ digestId: id, subscriberIds: ['s2'] }], at(0));
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
    await rows.plan(id, [{ digestId: id, subscriberIds: ['s3', 's4', 's5'] }], at(0));
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
    await rows.plan(id, [{ digestId: id, subscriberIds: ['a', 'b'] }], at(0));
    await rows.claim(id, 'a', LEASE_MS, at(0));
    await rows.markSent(id, [{ subscriberId: 'a', messageId: 'm-a', attempts: 1, tookOver: false }], at(1));
    await rows.markSkipped(id, 'a', 'cancelled', at(2));
    const listed = new Map<string, string>();
    for await (const row of rows.rows(id)) listed.set(row.subscriberId, row.state);
    expect(Object.fromEntries(listed)).toEqual({ a: 'sent', b: 'pending' });
  });

  it('claims a window of rows together: claimable ones once, in-flight and done ones as they are', async () => {
    const rows = ledger();
    const id = digest();
    await rows.plan(id, [{ digestId: id, subscriberIds: ['w1', 'w2', 'w3'], render: 'd_variant' }], at(0));
    await rows.claim(id, 'w2', LEASE_MS, at(0));
    await rows.markSkipped(id, 'w3', 'unsubscribed', at(0));
    const claims = await rows.claimAll(id, ['w1', 'w2', 'w3', 'w4'], LEASE_MS, at(10), 'd_variant');
    expect(Object.fromEntries(claims)).toEqual({
      w1: { kind: 'claimed', attempts: 1, tookOver: false, render: 'd_variant' },
      w2: { kind: 'in-flight', leaseUntil: at(LEASE_MS).getTime() },
      w3: { kind: 'done' },
      // A job that overtook its plan: the row is written by the claim.
      w4: { kind: 'claimed', attempts: 1, tookOver: false, render: 'd_variant' },
    });
    expect((await rows.claimAll(id, ['w1'], LEASE_MS, at(20))).get('w1')).toEqual({
      kind: 'in-flight',
      leaseUntil: at(LEASE_MS + 10).getTime(),
    });
  });

  it('lists a planned reader as pending, with its variant, until a sender claims them; a plan written again changes nothing', async () => {
    const rows = ledger();
    const id = digest();
    const page = [
      { digestId: id, subscriberIds: ['p1', 'p2'] },
      { digestId: id, subscriberIds: ['p3'], render: 'd_narrow' },
    ];
    await rows.plan(id, page, at(0));
    await rows.claimAll(id, ['p1'], LEASE_MS, at(1));
    // A planner that died redoes its page: the same jobs again.
    await rows.plan(id, page, at(2));
    const listed: Array<{ subscriberId: string; state: string; render?: string }> = [];
    for await (const { subscriberId, state, render } of rows.rows(id))
      listed.push({ subscriberId, state, ...(render ? { render } : {}) });
    expect(listed.sort((a, b) => a.subscriberId.localeCompare(b.subscriberId))).toEqual([
      { subscriberId: 'p1', state: 'sending' },
      { subscriberId: 'p2', state: 'pending' },
      { subscriberId: 'p3', state: 'pending', render: 'd_narrow' },
    ]);
  });

  it('takes over rows whose lease ran out, and gives unsent rows back with their variant and flag', async () => {
    const rows = ledger();
    const id = digest();
    await rows.plan(id, [{ digestId: id, subscriberIds: ['t1', 't2'], render: 'd_narrow' }], at(0));
    await rows.claimAll(id, ['t1', 't2'], LEASE_MS, at(0), 'd_narrow');
    // The sender dies here; once the lease has run out the job's next sender takes the rows over.
    const later = await rows.claimAll(id, ['t1', 't2'], LEASE_MS, at(LEASE_MS + 1), 'd_narrow');
    expect(later.get('t1')).toEqual({ kind: 'claimed', attempts: 2, tookOver: true, render: 'd_narrow' });
    await rows.markSent(
      id,
      [{ subscriberId: 't1', messageId: 'm-t1', attempts: 2, tookOver: true }],
      at(LEASE_MS + 2),
    );
    await rows.releaseAll(
      id,
      [{ subscriberId: 't2', attempts: 2, render: 'd_narrow', tookOver: true }],
      at(LEASE_MS + 3),
    );
    const listed = new Map<string, unknown>();
    for await (const row of rows.rows(id)) listed.set(row.subscriberId, row);
    expect(listed.get('t1')).toMatchObject({ state: 'sent', attempts: 2, inFlightAtCrash: true });
    expect(listed.get('t2')).toMatchObject({ state: 'pending', render: 'd_narrow', inFlightAtCrash: true });
    expect((await rows.claimAll(id, ['t2'], LEASE_MS, at(LEASE_MS + 4))).get('t2')).toMatchObject({
      kind: 'claimed',
      attempts: 3,
    });
  });

  it('renews a lease for its owner only, and ends it only for its owner', async () => {
    const rows = ledger();
    const id = digest();
    await rows.leaseJob(id, 'long', 'first', LEASE_MS, at(0));
    expect(await rows.renewJob(id, 'long', 'first', LEASE_MS, at(LEASE_MS - 1))).toBe(true);
    expect(await rows.leaseJob(id, 'long', 'second', LEASE_MS, at(LEASE_MS + 1))).toMatchObject({
      kind: 'busy',
    });
    // Not renewed again: it runs out, and a second sender takes the job over.
    expect(await rows.leaseJob(id, 'long', 'second', LEASE_MS, at(2 * LEASE_MS))).toEqual({
      kind: 'held',
      tookOver: true,
    });
    expect(await rows.renewJob(id, 'long', 'first', LEASE_MS, at(2 * LEASE_MS + 1))).toBe(false);
    await rows.endJob(id, 'long', 'first', { kind: 'finished' }, at(2 * LEASE_MS + 2));
    expect(await rows.leaseJob(id, 'long', 'third', LEASE_MS, at(2 * LEASE_MS + 3))).toMatchObject({
      kind: 'busy',
    });
  });

  it('lets one sender at a time hold a job: busy until its lease runs out, then taken over', async () => {
    const rows = ledger();
    const id = digest();
    expect(await rows.leaseJob(id, 'job-a', 'owner-1', LEASE_MS, at(0))).toEqual({
      kind: 'held',
      tookOver: false,
    });
    expect(await rows.leaseJob(id, 'job-a', 'owner-1', LEASE_MS, at(10))).toEqual({
      kind: 'busy',
      leaseUntil: at(LEASE_MS).getTime(),
    });
    expect(await rows.leaseJob(id, 'job-b', 'owner-1', LEASE_MS, at(10))).toEqual({
      kind: 'held',
      tookOver: false,
    });
    expect(await rows.leaseJob(id, 'job-a', 'owner-1', LEASE_MS, at(LEASE_MS + 1))).toEqual({
      kind: 'held',
      tookOver: true,
    });
  });

  it('ends a job for good, hands its rest on for every later lease to queue again, or gives it back at once', async () => {
    const rows = ledger();
    const id = digest();
    await rows.leaseJob(id, 'done', 'owner-1', LEASE_MS, at(0));
    await rows.endJob(id, 'done', 'owner-1', { kind: 'finished' }, at(1));
    expect(await rows.leaseJob(id, 'done', 'owner-1', LEASE_MS, at(LEASE_MS * 10))).toEqual({
      kind: 'finished',
    });

    const next = { digestId: id, subscriberIds: ['r1', 'r2'], generation: 1 };
    await rows.leaseJob(id, 'waits', 'owner-1', LEASE_MS, at(0));
    await rows.endJob(id, 'waits', 'owner-1', { kind: 'handed-on', next, delaySeconds: 30 }, at(1));
    expect(await rows.leaseJob(id, 'waits', 'owner-1', LEASE_MS, at(2))).toEqual({
      kind: 'handed-on',
      next,
      delaySeconds: 30,
    });

    await rows.leaseJob(id, 'failed', 'owner-1', LEASE_MS, at(0));
    await rows.endJob(id, 'failed', 'owner-1', { kind: 'released' }, at(1));
    expect(await rows.leaseJob(id, 'failed', 'owner-1', LEASE_MS, at(2))).toEqual({
      kind: 'held',
      tookOver: false,
    });
  });
}
