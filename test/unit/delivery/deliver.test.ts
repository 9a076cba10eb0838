import { beforeEach, describe, expect, it } from 'vitest';
import { DeliveryIncompleteError, deliverSendJob } from '#core/delivery/deliver.ts';
import { publishImmediateDigests } from '#core/digests/publish.ts';
import { verifyToken } from '#core/tokens.ts';
import { versionFromFixture } from '../../support/articles.ts';
import type { MemorySendQueue } from '../../support/fakes/delivery.ts';
import { memoryHerald } from '../../support/fakes/herald.ts';
import { subscriber } from '../../support/fakes/subscriptions.ts';
import { TEST_ADDRESS_KEY, testTokenKeys } from '../../support/fixtures.ts';

const tokenKeys = testTokenKeys();
const addressKey = TEST_ADDRESS_KEY;
const settings = {
  from: 'Press <news@example.org>',
  publicBaseUrl: 'https://news.example.org',
  tokenKeys,
  addressKey,
  sendLeaseMs: 60_000,
};

let herald: ReturnType<typeof memoryHerald>;
let subscribers: ReturnType<typeof memoryHerald>['subscribers'];
let queue: MemorySendQueue;
let mailer: ReturnType<typeof memoryHerald>['mailer'];
const now = () => new Date('2026-11-20T10:00:00Z');

beforeEach(() => {
  herald = memoryHerald();
  ({ subscribers, mailer } = herald);
  queue = herald.sendQueue;
});

async function publish(...names: string[]) {
  return publishImmediateDigests(
    herald.publishPorts(queue),
    { publisher: 'Press Office', publicBaseUrl: 'https://news.example.org' },
    names.map((n) => versionFromFixture(n)),
    now(),
  );
}

const deliverAll = async () => {
  for (const job of queue.jobs) await deliverSendJob(herald.deliveryPorts, settings, job, now);
};

describe('publishing immediate digests', () => {
  it('plans one digest per language for the confirmed immediate readers of that language only', async () => {
    await subscribers.put(subscriber('a@example.org', 'en'));
    await subscribers.put(subscriber('b@example.org', 'en', { cadence: 'weekly' }));
    await subscribers.put(subscriber('c@example.org', 'en', { status: 'unsubscribed' }));
    await subscribers.put(subscriber('d@example.fr', 'fr'));
    const planned = await publish('en-state-visit.txt', 'fr-senegal.txt');
    expect(planned.map((p) => [p.lang, p.recipients]).sort()).toEqual([
      ['en', 1],
      ['fr', 1],
    ]);
    await deliverAll();
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['a@example.org', 'd@example.fr']);
  });

  it('cuts the audience into jobs of at most 50 recipients', async () => {
    for (let i = 0; i < 120; i++) await subscribers.put(subscriber(`r${i}@example.org`, 'en'));
    await publish('en-state-visit.txt');
    expect(queue.jobs.map((job) => job.subscriberIds.length)).toEqual([50, 50, 20]);
  });

  it('makes the same digest id from the same content, so a redelivered batch is not a new digest', async () => {
    await subscribers.put(subscriber('a@example.org', 'en'));
    const [first] = await publish('en-state-visit.txt');
    const [again] = await publish('en-state-visit.txt');
    expect(again!.digestId).toBe(first!.digestId);
  });
});

describe('delivering a send job', () => {
  it('sends each recipient one mail with a working one-click unsubscribe', async () => {
    const reader = subscriber('a@example.org', 'en');
    await subscribers.put(reader);
    await publish('en-state-visit.txt');
    await deliverAll();
    const [mail] = mailer.sent;
    const listUnsubscribe = mail!.headers.find((h) => h.name === 'List-Unsubscribe')!.value;
    expect(mail!.headers).toContainEqual({
      name: 'List-Unsubscribe-Post',
      value: 'List-Unsubscribe=One-Click',
    });
    const url = new URL(listUnsubscribe.slice(1, -1));
    expect(url.origin + url.pathname).toBe('https://news.example.org/unsubscribe');
    expect(verifyToken(tokenKeys, 'unsubscribe', url.searchParams.get('t')!)).toBe(reader.id);
    expect(mail!.html).toContain(url.searchParams.get('t')!);
  });

  it('never mails anyone twice when the same job arrives again', async () => {
    await subscribers.put(subscriber('a@example.org', 'en'));
    await publish('en-state-visit.txt');
    await deliverAll();
    await deliverAll();
    expect(mailer.sent).toHaveLength(1);
  });

  it('skips a reader who unsubscribed after the digest was planned', async () => {
    const reader = subscriber('a@example.org', 'en');
    await subscribers.put(reader);
    await publish('en-state-visit.txt');
    await subscribers.setStatus(reader.id, 'unsubscribed', now());
    await deliverAll();
    expect(mailer.sent).toHaveLength(0);
  });

  it('retries only the recipients whose send failed', async () => {
    await subscribers.put(subscriber('a@example.org', 'en'));
    await subscribers.put(subscriber('b@example.org', 'en'));
    await publish('en-state-visit.txt');
    mailer.failFor.add('b@example.org');
    await expect(deliverAll()).rejects.toThrow(DeliveryIncompleteError);
    mailer.failFor.clear();
    await deliverAll();
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['a@example.org', 'b@example.org']);
  });
});
