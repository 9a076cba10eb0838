import { beforeEach, describe, expect, it } from 'vitest';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { deliverSendJob } from '#core/delivery/deliver.ts';
import { ImmediateMailing } from '#core/digests/immediate-mailing.ts';
import { publishImmediateDigests } from '#core/digests/publish.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import { ingestDocument } from '#core/documents/ingest.ts';
import { fixtureDocument } from '../../support/documents.ts';
import {
  type MemoryLedger,
  type MemoryReceipts,
  MemorySendQueue,
  type RecordingMailer,
} from '../../support/fakes/delivery.ts';
import type { MemoryDigestStore } from '../../support/fakes/digests.ts';
import type { MemoryArticleStore, MemoryBucket } from '../../support/fakes/documents.ts';
import { memoryHerald } from '../../support/fakes/herald.ts';
import { type MemorySubscriberStore, subscriber } from '../../support/fakes/subscriptions.ts';
import { TEST_ADDRESS_KEY, testTokenKeys } from '../../support/fixtures.ts';

const tokenKeys = testTokenKeys();
const addressKey = TEST_ADDRESS_KEY;
let clock = 0;
const now = () => new Date(Date.UTC(2026, 10, 20, 10, 0, clock++));

let bucket: MemoryBucket;
let articles: MemoryArticleStore;
let subscribers: MemorySubscriberStore;
let digests: MemoryDigestStore;
let receipts: MemoryReceipts;
let mailer: RecordingMailer;
let ledger: MemoryLedger;
let deliveryPorts: ReturnType<typeof memoryHerald>['deliveryPorts'];

beforeEach(() => {
  ({ bucket, articles, subscribers, digests, receipts, mailer, ledger, deliveryPorts } = memoryHerald());
});

const publicBaseUrl = 'https://news.example.org/';

/** Uploads fixtures (key → fixture file) and ingests them as one batch; returns what may be mailed. */
async function ingest(uploads: Record<string, string>): Promise<ArticleVersion[]> {
  const toMail: ArticleVersion[] = [];
  for (const [key, file] of Object.entries(uploads)) {
    bucket.put(key, fixtureDocument(file));
    const outcome = await ingestDocument(
      { documents: bucket, quarantine: bucket, articles, mailing: new ImmediateMailing(articles) },
      { documentsPrefix: 'documents/', maxDocumentBytes: 1e6, timeZone: 'UTC' },
      { kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'b', key },
      now(),
    );
    if (outcome.kind === 'stored' && outcome.mail) toMail.push(outcome.version);
  }
  return toMail;
}

async function plan(versions: ArticleVersion[]): Promise<MemorySendQueue> {
  const queue = new MemorySendQueue();
  await publishImmediateDigests(
    {
      articles,
      digests,
      subscribers,
      receipts,
      ledger,
      sendQueue: queue,
      templates: new FileTemplateSource(),
    },
    { publisher: 'Press Office', publicBaseUrl },
    versions,
    now(),
  );
  return queue;
}

async function deliver(queue: MemorySendQueue) {
  for (const job of queue.jobs) {
    await deliverSendJob(
      deliveryPorts,
      { from: 'news@example.org', publicBaseUrl, tokenKeys, addressKey, sendLeaseMs: 60_000 },
      job,
      now,
    );
  }
}

const publish = async (uploads: Record<string, string>) => deliver(await plan(await ingest(uploads)));

const mailsTo = (email: string) => mailer.sent.filter((m) => m.to === email);

describe('translations are one article', () => {
  it('reach each reader once, in their own language, linked to the other versions', async () => {
    await subscribers.put(subscriber('en@example.org', 'en'));
    await subscribers.put(subscriber('fr@example.org', 'fr'));
    await publish({
      'documents/forum/en.md': 'markdown/harbour-forum.en.md',
      'documents/forum/fr.md': 'markdown/harbour-forum.fr.md',
    });
    expect(mailsTo('en@example.org').map((m) => m.subject)).toEqual([
      'Foreign Minister Opens the Harbour Cities Forum',
    ]);
    expect(mailsTo('fr@example.org').map((m) => m.subject)).toEqual([
      'Le ministre des Affaires étrangères ouvre le Forum des villes portuaires',
    ]);
    const html = mailsTo('en@example.org')[0]!.html;
    expect(html).toContain('href="https://news.example.org/articles/harbour-forum/fr"');
    expect(html).toContain('href="https://news.example.org/articles/harbour-forum/en"');
  });

  it('reach a reader with no version in their language only if they asked for originals, clearly marked', async () => {
    await subscribers.put(subscriber('es@example.org', 'es'));
    await subscribers.put(subscriber('es-too@example.org', 'es', { alsoOriginalLanguage: true }));
    await publish({ 'documents/forum/fr.md': 'markdown/harbour-forum.fr.md' });
    expect(mailsTo('es@example.org')).toHaveLength(0);
    const [mail] = mailsTo('es-too@example.org');
    expect(mail!.subject).toBe('Le ministre des Affaires étrangères ouvre le Forum des villes portuaires');
    expect(mail!.text).toContain('Aún no disponible en español — texto en francés');
    expect(mail!.html).toMatch(/<div lang="fr" dir="ltr">/);
  });

  it('are not sent again when a translation arrives after the original reached a reader', async () => {
    await subscribers.put(subscriber('es@example.org', 'es'));
    await subscribers.put(subscriber('es-too@example.org', 'es', { alsoOriginalLanguage: true }));
    await publish({ 'documents/forum/fr.md': 'markdown/harbour-forum.fr.md' });
    await publish({ 'documents/forum/es.md': 'markdown/harbour-forum.es.md' });
    expect(mailsTo('es@example.org').map((m) => m.subject)).toEqual([
      'El ministro de Asuntos Exteriores inaugura el Foro de Ciudades Portuarias',
    ]);
    expect(mailsTo('es-too@example.org')).toHaveLength(1);
  });

  it('send a reader who asked for originals only what is new to them in a mixed batch', async () => {
    await subscribers.put(subscriber('ru-too@example.org', 'ru', { alsoOriginalLanguage: true }));
    await publish({ 'documents/forum/en.md': 'markdown/harbour-forum.en.md' });
    await publish({
      'documents/forum/ru.md': 'markdown/harbour-forum.ru.md',
      'documents/grain/ru.md': 'markdown/grain-corridor.ru.md',
    });
    expect(mailsTo('ru-too@example.org').map((m) => m.subject)).toEqual([
      'Foreign Minister Opens the Harbour Cities Forum',
      'Официальный представитель прокомментировал соглашение о зерновом коридоре',
    ]);
  });
});

describe('a withdrawn document', () => {
  it('is left out of mail not yet sent; a digest with nothing left is not sent', async () => {
    await subscribers.put(subscriber('ar@example.org', 'ar'));
    const queue = await plan(
      await ingest({
        'documents/a/ar.txt': 'page/harbour-forum.ar.txt',
        'documents/b/ar.txt': 'page/grain-corridor.ar.txt',
      }),
    );
    await articles.withdrawBySource('documents/a/ar.txt', now());
    await deliver(queue);
    const [mail] = mailsTo('ar@example.org');
    expect(mail!.subject).toBe('المتحدث الرسمي يعلق على اتفاق ممر الحبوب');
    expect(mail!.html).not.toContain('منتدى المدن المرفئية');
    expect(mail!.text).not.toContain('منتدى المدن المرفئية');

    await articles.withdrawBySource('documents/b/ar.txt', now());
    ledger.byKey.clear();
    await deliver(queue);
    expect(mailsTo('ar@example.org')).toHaveLength(1);
  });
});
