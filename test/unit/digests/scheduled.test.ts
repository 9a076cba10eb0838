import { beforeEach, describe, expect, it } from 'vitest';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { deliverSendJob } from '#core/delivery/deliver.ts';
import { ImmediateMailing } from '#core/digests/immediate-mailing.ts';
import { runScheduledDigest } from '#core/digests/scheduled.ts';
import { ingestDocument } from '#core/documents/ingest.ts';
import { fixtureDocument } from '../../support/documents.ts';
import { type MemoryReceipts, MemorySendQueue, type RecordingMailer } from '../../support/fakes/delivery.ts';
import type { MemoryDigestStore } from '../../support/fakes/digests.ts';
import type { MemoryArticleStore, MemoryBucket } from '../../support/fakes/documents.ts';
import { memoryHerald } from '../../support/fakes/herald.ts';
import { type MemorySubscriberStore, subscriber } from '../../support/fakes/subscriptions.ts';
import { TEST_ADDRESS_KEY, testTokenKeys } from '../../support/fixtures.ts';

const tokenKeys = testTokenKeys();
const addressKey = TEST_ADDRESS_KEY;
const publicBaseUrl = 'https://news.example.org/';
let bucket: MemoryBucket;
let articles: MemoryArticleStore;
let subscribers: MemorySubscriberStore;
let digests: MemoryDigestStore;
let receipts: MemoryReceipts;
let mailer: RecordingMailer;
let deliveryPorts: ReturnType<typeof memoryHerald>['deliveryPorts'];

beforeEach(async () => {
  ({ bucket, articles, subscribers, digests, receipts, mailer, deliveryPorts } = memoryHerald());
  await subscribers.put(subscriber('daily@example.org', 'en', { cadence: 'daily' }));
  await subscribers.put(subscriber('weekly@example.org', 'en', { cadence: 'weekly' }));
});

async function publishAt(at: string, key: string, file: string) {
  bucket.put(key, fixtureDocument(file));
  await ingestDocument(
    { documents: bucket, quarantine: bucket, articles, mailing: new ImmediateMailing(articles) },
    { documentsPrefix: 'documents/', maxDocumentBytes: 1e6, timeZone: 'UTC' },
    { kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'b', key },
    new Date(at),
  );
}

async function run(cadence: 'daily' | 'weekly', at: string) {
  const queue = new MemorySendQueue();
  const result = await runScheduledDigest(
    {
      articles,
      digests,
      subscribers,
      receipts,
      ledger: deliveryPorts.ledger,
      sendQueue: queue,
      templates: new FileTemplateSource(),
    },
    { publisher: 'Press Office', publicBaseUrl },
    cadence,
    new Date(at),
  );
  for (const job of queue.jobs) {
    await deliverSendJob(
      deliveryPorts,
      { from: 'news@example.org', publicBaseUrl, tokenKeys, addressKey, sendLeaseMs: 60_000 },
      job,
      () => new Date(at),
    );
  }
  return result;
}

const subjectsTo = (email: string) => mailer.sent.filter((m) => m.to === email).map((m) => m.subject);

describe('daily and weekly digests', () => {
  it('gather every article published since the last one, for the readers of that cadence only', async () => {
    await publishAt('2026-11-20T09:00:00Z', 'documents/a/en.md', 'markdown/harbour-forum.en.md');
    await publishAt('2026-11-20T15:00:00Z', 'documents/b/en.md', 'markdown/grain-corridor.en.md');
    const result = await run('daily', '2026-11-21T08:00:00Z');
    expect(result.articles).toBe(2);
    expect(subjectsTo('daily@example.org')).toEqual(['Press Office: your daily digest']);
    expect(subjectsTo('weekly@example.org')).toEqual([]);
  });

  it('are skipped when nothing is new, and carry only what is new the next time', async () => {
    await publishAt('2026-11-20T09:00:00Z', 'documents/a/en.md', 'markdown/harbour-forum.en.md');
    await run('daily', '2026-11-21T08:00:00Z');
    const empty = await run('daily', '2026-11-22T08:00:00Z');
    expect(empty.digests).toEqual([]);
    await publishAt('2026-11-22T10:00:00Z', 'documents/b/en.md', 'markdown/grain-corridor.en.md');
    await run('daily', '2026-11-23T08:00:00Z');
    expect(subjectsTo('daily@example.org')).toEqual([
      'Foreign Minister Opens the Harbour Cities Forum',
      'Spokesperson Comments on the Grain Corridor Agreement',
    ]);
  });

  it('keep a cursor per cadence', async () => {
    await publishAt('2026-11-20T09:00:00Z', 'documents/a/en.md', 'markdown/harbour-forum.en.md');
    await run('daily', '2026-11-21T08:00:00Z');
    await run('weekly', '2026-11-23T08:00:00Z');
    expect(subjectsTo('weekly@example.org')).toEqual(['Foreign Minister Opens the Harbour Cities Forum']);
  });

  it('leave out archive-only and withdrawn articles', async () => {
    await publishAt('2026-11-20T09:00:00Z', 'documents/a/en.md', 'markdown/harbour-forum.en.md');
    await articles.withdrawBySource('documents/a/en.md', new Date('2026-11-20T10:00:00Z'));
    const result = await run('daily', '2026-11-21T08:00:00Z');
    expect(result.articles).toBe(0);
    expect(subjectsTo('daily@example.org')).toEqual([]);
  });

  it('mail no one twice when a run is repeated over the same window (a retried schedule)', async () => {
    await publishAt('2026-11-20T09:00:00Z', 'documents/a/en.md', 'markdown/harbour-forum.en.md');
    await run('daily', '2026-11-21T08:00:00Z');
    digests.cursors.clear();
    await run('daily', '2026-11-21T08:00:00Z');
    expect(subjectsTo('daily@example.org')).toHaveLength(1);
  });
});
