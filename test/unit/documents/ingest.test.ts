import { beforeEach, describe, expect, it } from 'vitest';
import { ImmediateMailing } from '#core/digests/immediate-mailing.ts';
import { ingestDocument } from '#core/documents/ingest.ts';
import type { ObjectChange } from '#core/documents/s3-notification.ts';
import { fixtureDocument } from '../../support/documents.ts';
import { MemoryArticleStore, MemoryBucket } from '../../support/fakes/documents.ts';

const settings = {
  documentsPrefix: 'documents/',
  maxDocumentBytes: 1024 * 1024,
  timeZone: 'UTC',
};
const now = new Date('2026-11-20T10:00:00Z');
const created = (key: string): ObjectChange => ({
  kind: 'created',
  eventName: 'ObjectCreated:Put',
  bucket: 'b',
  key,
});
const removed = (key: string): ObjectChange => ({
  kind: 'removed',
  eventName: 'ObjectRemoved:Delete',
  bucket: 'b',
  key,
});

let bucket: MemoryBucket;
let articles: MemoryArticleStore;
const ingest = (change: ObjectChange) =>
  ingestDocument(
    { documents: bucket, quarantine: bucket, articles, mailing: new ImmediateMailing(articles) },
    settings,
    change,
    now,
  );

beforeEach(() => {
  bucket = new MemoryBucket();
  articles = new MemoryArticleStore();
});

describe('ingesting a document', () => {
  it('stores the article and mails it the first time only, whatever the number of events', async () => {
    bucket.put('documents/harbour.en.md', fixtureDocument('markdown/harbour-forum.en.md'));
    const first = await ingest(created('documents/harbour.en.md'));
    const again = await ingest(created('documents/harbour.en.md'));
    expect(first).toMatchObject({
      kind: 'stored',
      mail: true,
      version: { articleId: 'harbour-forum', lang: 'en' },
    });
    expect(again).toMatchObject({ kind: 'stored', mail: false });
  });

  it('updates a corrected article without mailing it again', async () => {
    bucket.put('documents/harbour.en.md', fixtureDocument('markdown/harbour-forum.en.md'));
    await ingest(created('documents/harbour.en.md'));
    const corrected = fixtureDocument('markdown/harbour-forum.en.md')
      .toString()
      .replace('forty ports', 'forty-two ports');
    bucket.put('documents/harbour.en.md', corrected);
    const outcome = await ingest(created('documents/harbour.en.md'));
    expect(outcome).toMatchObject({ kind: 'stored', mail: false });
    expect((await articles.getVersions('harbour-forum'))[0]?.bodyHtml).toContain('forty-two ports');
  });

  it('does not mail the same bytes again under another key', async () => {
    bucket.put('documents/one.txt', fixtureDocument('page/grain-corridor.fr.txt'));
    bucket.put('documents/two.txt', fixtureDocument('page/grain-corridor.fr.txt'));
    expect(await ingest(created('documents/one.txt'))).toMatchObject({ mail: true });
    expect(await ingest(created('documents/two.txt'))).toMatchObject({ kind: 'stored', mail: false });
  });

  it('groups translations into one article by the key convention …/<article-id>/<lang>.<ext>', async () => {
    bucket.put('documents/visit/en.txt', fixtureDocument('page/harbour-forum.en.txt'));
    bucket.put('documents/visit/ru.txt', fixtureDocument('page/harbour-forum.ru.txt'));
    await ingest(created('documents/visit/en.txt'));
    await ingest(created('documents/visit/ru.txt'));
    expect((await articles.getVersions('visit')).map((v) => v.lang).sort()).toEqual(['en', 'ru']);
  });

  it('groups translations by an explicit article-id in the object metadata', async () => {
    bucket.put('documents/a.txt', fixtureDocument('page/harbour-forum.es.txt'), {
      'article-id': 'Port Forum 2026',
    });
    expect(await ingest(created('documents/a.txt'))).toMatchObject({
      version: { articleId: 'port-forum-2026', lang: 'es' },
    });
  });

  it('publishes an archive-only document without mailing it (front matter or object metadata)', async () => {
    const text = fixtureDocument('markdown/grain-corridor.en.md')
      .toString()
      .replace('lang: en', 'lang: en\narchive_only: true');
    bucket.put('documents/old.md', text);
    bucket.put('documents/old2.txt', fixtureDocument('page/grain-corridor.ar.txt'), {
      'archive-only': 'true',
    });
    expect(await ingest(created('documents/old.md'))).toMatchObject({
      kind: 'stored',
      mail: false,
      version: { archiveOnly: true },
    });
    expect(await ingest(created('documents/old2.txt'))).toMatchObject({
      kind: 'stored',
      mail: false,
      version: { archiveOnly: true },
    });
  });

  it('quarantines a bad document with its reason and leaves the next one unaffected', async () => {
    bucket.put('documents/broken.json', '{"title": ');
    bucket.put('documents/good.json', fixtureDocument('json/harbour-forum.zh.json'));
    const bad = await ingest(created('documents/broken.json'));
    const good = await ingest(created('documents/good.json'));
    expect(bad).toMatchObject({
      kind: 'quarantined',
      reason: 'malformed',
      quarantineKey: 'quarantine/broken.json',
    });
    expect(bucket.quarantined.get('quarantine/broken.json')?.message).toMatch(/not valid JSON/);
    expect(bucket.objects.has('documents/broken.json')).toBe(false);
    expect(good).toMatchObject({ kind: 'stored', mail: true, version: { lang: 'zh' } });
  });

  it('withdraws the version a deleted object had produced', async () => {
    bucket.put('documents/visit/en.txt', fixtureDocument('page/harbour-forum.en.txt'));
    await ingest(created('documents/visit/en.txt'));
    expect(await ingest(removed('documents/visit/en.txt'))).toMatchObject({
      kind: 'withdrawn',
      ref: { articleId: 'visit', lang: 'en' },
    });
    expect((await articles.getVersions('visit'))[0]?.withdrawnAt).toBe(now.toISOString());
  });

  it('ignores objects outside the documents prefix and objects already gone', async () => {
    expect(await ingest(created('drafts/a.txt'))).toMatchObject({ kind: 'ignored' });
    expect(await ingest(created('documents/gone.txt'))).toMatchObject({
      kind: 'ignored',
      why: 'the object no longer exists',
    });
  });
});
