import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidTokenError } from '#core/errors.ts';
import { PublicBudgetSpentError } from '#core/public-mail/budget.ts';
import { eraseSubscriber, exportSubscriber, suppressAddress } from '#core/subscriptions/lifecycle.ts';
import { addConfirmedSubscriber } from '#core/subscriptions/manage.ts';
import { handleSesEvent } from '#core/subscriptions/ses-events.ts';
import {
  acceptSubscription,
  ClientLimitedError,
  confirmSubscription,
  requestSubscription,
} from '#core/subscriptions/subscribe.ts';
import { sesEvent } from '#local/ses-event-shapes.ts';
import {
  MemoryPublicMailQueue,
  MemoryRateLimiter,
  MemorySubscriberStore,
  MemorySuppressionList,
  RecordingNotices,
} from '../../support/fakes/subscriptions.ts';
import { TEST_ADDRESS_KEY, testIdFor, testTokenKeys } from '../../support/fixtures.ts';

const keys = testTokenKeys('z');
const addressKey = TEST_ADDRESS_KEY;
const settings = {
  publicBaseUrl: 'https://news.example.org/',
  tokenKeys: keys,
  addressKey,
  confirmHours: 48,
  limits: { confirmationsPerMailboxPerDay: 2, confirmationsPerDomainPerHour: 4 },
};
const accepting = { perClientPerHour: 5, budget: { perHour: 8, perDay: 20 } };
const t0 = new Date('2026-11-20T10:00:00Z');
const later = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);

let ports: {
  subscribers: MemorySubscriberStore;
  suppressions: MemorySuppressionList;
  limits: MemoryRateLimiter;
  notices: RecordingNotices;
  queue: MemoryPublicMailQueue;
};
beforeEach(() => {
  ports = {
    subscribers: new MemorySubscriberStore(),
    suppressions: new MemorySuppressionList(),
    limits: new MemoryRateLimiter(),
    notices: new RecordingNotices(),
    queue: new MemoryPublicMailQueue(),
  };
});

/** A subscribe request as it goes: accepted on the request path, then decided by the public-mail worker. */
const subscribe = async (email: string, clientAddress = '203.0.113.7', now = t0, extra = {}) => {
  const accepted = await acceptSubscription(
    ports,
    accepting,
    { email, lang: 'fr', cadence: 'immediate', topics: [], clientAddress, source: 'page', ...extra },
    now,
  );
  if (accepted === 'honeypot') return accepted;
  const job = ports.queue.jobs.shift()!;
  if (job.kind !== 'subscribe') throw new Error(`queued ${job.kind}`);
  return requestSubscription(ports, settings, job, now);
};
const confirmToken = (n = -1) =>
  new URL(ports.notices.sent.filter((m) => m.kind === 'confirmation').at(n)!.url!).searchParams.get('t')!;

describe('double opt-in', () => {
  it('sends one confirmation mail and nothing else to an unconfirmed address', async () => {
    expect(await subscribe('Claire@Example.fr')).toBe('sent');
    expect(ports.notices.sent).toEqual([
      { kind: 'confirmation', to: 'Claire@example.fr', url: expect.stringContaining('/confirm?t=') },
    ]);
    expect((await ports.subscribers.get(testIdFor('claire@example.fr')))?.status).toBe('pending');
  });

  it('confirms a pending subscriber once, with consent recorded, and then welcomes them', async () => {
    await subscribe('claire@example.fr');
    const { outcome, subscriber } = await confirmSubscription(ports, keys, confirmToken(), later(1));
    expect(outcome).toBe('confirmed');
    expect(subscriber).toMatchObject({
      status: 'confirmed',
      consent: { method: 'double-opt-in', source: 'page from 203.0.113.7' },
    });
    expect(ports.notices.sent.map((m) => m.kind)).toEqual(['confirmation', 'welcome']);
    expect((await confirmSubscription(ports, keys, confirmToken(), later(2))).outcome).toBe(
      'already-confirmed',
    );
    expect(ports.notices.sent).toHaveLength(2);
  });

  it('refuses an expired confirmation link, and one used after the reader left', async () => {
    await subscribe('claire@example.fr');
    await expect(confirmSubscription(ports, keys, confirmToken(), later(49))).rejects.toThrow(/expired/);
    await subscribe('luc@example.fr');
    const token = confirmToken();
    await confirmSubscription(ports, keys, token, later(1));
    await ports.subscribers.setStatus(testIdFor('luc@example.fr'), 'unsubscribed', later(2));
    await expect(confirmSubscription(ports, keys, token, later(3))).rejects.toThrow(InvalidTokenError);
  });

  it('never downgrades a confirmed subscriber, and sends them nothing, when the form is submitted again', async () => {
    await subscribe('claire@example.fr');
    await confirmSubscription(ports, keys, confirmToken(), later(1));
    expect(await subscribe('claire@example.fr', '198.51.100.9', later(2))).toBe('already-confirmed');
    expect((await ports.subscribers.get(testIdFor('claire@example.fr')))?.status).toBe('confirmed');
    expect(ports.notices.sent.map((m) => m.kind)).toEqual(['confirmation', 'welcome']);
  });

  it('resends the confirmation to a pending address, up to the per-address limit, then sends nothing', async () => {
    expect(await subscribe('victim@example.org', '192.0.2.1')).toBe('sent');
    expect(await subscribe('victim@example.org', '192.0.2.2')).toBe('sent');
    expect(await subscribe('victim@example.org', '192.0.2.3')).toBe('target-limited');
    expect(ports.notices.sent).toHaveLength(2);
  });

  it('counts the aliases of one mailbox together: +tags, case, and dots at Gmail', async () => {
    expect(await subscribe('victim+1@gmail.com', '192.0.2.1')).toBe('sent');
    expect(await subscribe('V.ictim+2@googlemail.com', '192.0.2.2')).toBe('sent');
    for (const alias of ['vic.tim@gmail.com', 'victim+3@gmail.com', 'VICTIM@GMAIL.COM'])
      expect(await subscribe(alias, '192.0.2.3')).toBe('target-limited');
    expect(ports.notices.sent).toHaveLength(2);
  });

  it('sends at most the configured confirmations to one domain in an hour, then nothing, with the usual answer', async () => {
    for (let i = 0; i < 4; i++)
      expect(await subscribe(`reader${i}@small.example`, `192.0.2.${i}`)).toBe('sent');
    expect(await subscribe('reader9@small.example', '192.0.2.9')).toBe('target-limited');
    expect(await subscribe('reader9@small.example', '192.0.2.9', later(1.01))).toBe('sent');
  });

  it('answers 429 with a retry hint once the public-mail budget of the hour is spent, and queues nothing', async () => {
    for (let i = 0; i < 8; i++) await subscribe(`b${i}@example.org`, `198.51.100.${i}`);
    const spent = acceptSubscription(
      ports,
      accepting,
      {
        email: 'late@example.org',
        lang: 'fr',
        cadence: 'immediate',
        topics: [],
        clientAddress: '198.51.100.99',
        source: 'api',
      },
      t0,
    );
    await expect(spent).rejects.toBeInstanceOf(PublicBudgetSpentError);
    await expect(spent).rejects.toMatchObject({ statusCode: 429 });
    expect(ports.queue.jobs).toHaveLength(0);
  });

  it('answers 429 with a retry hint only for too many requests from one client', async () => {
    for (let i = 0; i < 5; i++) await subscribe(`reader${i}@example${i}.org`, '203.0.113.50');
    const flood = subscribe('one-more@example.org', '203.0.113.50');
    await expect(flood).rejects.toBeInstanceOf(ClientLimitedError);
    await expect(flood).rejects.toMatchObject({ statusCode: 429, retryAfterSeconds: 3600 });
  });

  it('ignores a filled honeypot, silently', async () => {
    expect(await subscribe('bot@example.org', '203.0.113.8', t0, { honeypot: 'https://spam.example' })).toBe(
      'honeypot',
    );
    expect(ports.notices.sent).toHaveLength(0);
  });
});

describe('suppression, bounces and complaints', () => {
  it('suppresses on a permanent bounce and on a complaint; the address is never mailed or re-added again', async () => {
    for (const email of ['bounce@example.org', 'complain@example.org']) {
      await addConfirmedSubscriber(
        ports,
        addressKey,
        { email, lang: 'en', cadence: 'immediate', source: 'test' },
        t0,
      );
    }
    await handleSesEvent(
      ports,
      addressKey,
      { softBounceLimit: 3 },
      sesEvent('bounce', 'bounce@example.org').detail,
      t0,
    );
    await handleSesEvent(
      ports,
      addressKey,
      { softBounceLimit: 3 },
      sesEvent('complaint', 'complain@example.org').detail,
      t0,
    );
    for (const email of ['bounce@example.org', 'complain@example.org']) {
      expect((await ports.subscribers.get(testIdFor(email)))?.status).toBe('suppressed');
      expect(await subscribe(email)).toBe('suppressed');
      expect(
        (
          await addConfirmedSubscriber(
            ports,
            addressKey,
            { email, lang: 'en', cadence: 'daily', source: 'csv' },
            t0,
          )
        ).outcome,
      ).toBe('suppressed');
    }
    expect(ports.notices.sent).toHaveLength(0);
  });

  it('counts transient bounces and suppresses after the configured number', async () => {
    await addConfirmedSubscriber(
      ports,
      addressKey,
      { email: 'full@example.org', lang: 'en', cadence: 'immediate', source: 'test' },
      t0,
    );
    const soft = sesEvent('bounce', 'full@example.org', { transient: true }).detail;
    await handleSesEvent(ports, addressKey, { softBounceLimit: 3 }, soft, t0);
    await handleSesEvent(ports, addressKey, { softBounceLimit: 3 }, soft, t0);
    expect((await ports.subscribers.get(testIdFor('full@example.org')))?.status).toBe('confirmed');
    await handleSesEvent(ports, addressKey, { softBounceLimit: 3 }, soft, t0);
    expect((await ports.subscribers.get(testIdFor('full@example.org')))?.status).toBe('suppressed');
  });

  it('ignores deliveries', async () => {
    const outcome = await handleSesEvent(
      ports,
      addressKey,
      { softBounceLimit: 3 },
      { eventType: 'Delivery' },
      t0,
    );
    expect(outcome.action).toBe('ignored');
  });

  it('lets an operator suppress an address nobody has subscribed yet', async () => {
    await suppressAddress(ports, addressKey, 'never@example.org', 'operator', t0);
    expect(await subscribe('never@example.org')).toBe('suppressed');
  });
});

describe('my data', () => {
  it('exports what is kept, and erasure keeps only a keyed hash that blocks re-import', async () => {
    await addConfirmedSubscriber(
      ports,
      addressKey,
      { email: 'ada@example.org', lang: 'en', cadence: 'weekly', source: 'test' },
      t0,
    );
    const subscriber = (await ports.subscribers.get(testIdFor('ada@example.org')))!;
    expect(exportSubscriber(subscriber)).toMatchObject({
      email: 'ada@example.org',
      language: 'en',
      cadence: 'weekly',
    });
    const forgotten: string[][] = [];
    const history = {
      forget: async (ids: readonly string[]) => {
        forgotten.push([...ids]);
        return { ledgerRows: 0, receipts: 0 };
      },
    };
    await eraseSubscriber({ ...ports, history }, addressKey, subscriber, t0);
    expect(forgotten).toEqual([[subscriber.id, expect.stringMatching(/^s_/)]]);
    expect(await ports.subscribers.get(subscriber.id)).toBeUndefined();
    expect([...ports.suppressions.hashes.keys()].join()).not.toContain('ada');
    expect(
      (
        await addConfirmedSubscriber(
          ports,
          addressKey,
          { email: 'ADA@example.org', lang: 'en', cadence: 'weekly', source: 'csv' },
          t0,
        )
      ).outcome,
    ).toBe('suppressed');
  });
});
