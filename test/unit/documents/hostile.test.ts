import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { ImmediateMailing } from '#core/digests/immediate-mailing.ts';
import { classifyIngestFailure, DocumentUnreadableError } from '#core/documents/faults.ts';
import { ingestDocument } from '#core/documents/ingest.ts';
import type { ObjectChange } from '#core/documents/s3-notification.ts';
import { DocumentRejectedError } from '#core/errors.ts';
import { documentFixtures, fixtureDocument } from '../../support/documents.ts';
import { MemoryArticleStore, MemoryBucket } from '../../support/fakes/documents.ts';
import { hostileCorpus } from '../../support/hostile-documents.ts';

const settings = {
  documentsPrefix: 'documents/',
  maxDocumentBytes: 1024 * 1024,
  timeZone: 'UTC',
};
const now = new Date('2026-11-20T10:00:00Z');
const created = (key: string, size?: number): ObjectChange => ({
  kind: 'created',
  eventName: 'ObjectCreated:Put',
  bucket: 'b',
  key,
  ...(size !== undefined ? { size } : {}),
});
const removed = (key: string, versionId?: string): ObjectChange => ({
  kind: 'removed',
  eventName: 'ObjectRemoved:DeleteMarkerCreated',
  bucket: 'b',
  key,
  ...(versionId ? { versionId } : {}),
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

describe('whose fault a failed ingest is', () => {
  const sdk = (name: string, message: string, fault: 'client' | 'server', status: number) =>
    Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });

  it.each([
    ['a rejection', new DocumentRejectedError('bad-date', 'no date'), 'bad-date'],
    [
      "a parser's stack overflow",
      new DocumentUnreadableError('x', { cause: new RangeError('Maximum call stack size exceeded') }),
      'too-deep',
    ],
    [
      'a string grown past its limit',
      new DocumentUnreadableError('x', { cause: new RangeError('Invalid string length') }),
      'too-deep',
    ],
    [
      "a library's TypeError while parsing",
      new DocumentUnreadableError('x', { cause: new TypeError('x is undefined') }),
      'unreadable',
    ],
    [
      'an item DynamoDB will not store',
      sdk('ValidationException', 'Item size has exceeded the maximum allowed size', 'client', 400),
      'too-large',
    ],
  ])("%s is the document's: quarantined as %s", (_what, error, reason) => {
    expect(classifyIngestFailure(error)).toMatchObject({ owner: 'document', reason });
  });

  it.each([
    ['throttling', sdk('ThrottlingException', 'Rate exceeded', 'client', 400)],
    [
      'a provisioned-throughput refusal',
      sdk('ProvisionedThroughputExceededException', 'exceeded', 'client', 400),
    ],
    ['a 5xx', sdk('InternalServerError', 'Internal error', 'server', 500)],
    ['S3 unavailable', sdk('ServiceUnavailable', 'Please reduce your request rate', 'server', 503)],
    ['a timeout', Object.assign(new Error('Connection timed out'), { name: 'TimeoutError' })],
    ['the network', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a missing permission', sdk('AccessDeniedException', 'not authorized to perform', 'client', 400)],
    [
      'another validation error',
      sdk('ValidationException', 'One or more parameter values were invalid', 'client', 400),
    ],
    ["a TypeError outside the document's own steps", new TypeError('cannot read properties of undefined')],
  ])("%s is the infrastructure's: retried", (_what, error) => {
    expect(classifyIngestFailure(error)).toEqual({ owner: 'infrastructure' });
  });

  it('an infrastructure failure is thrown back for a retry, and the document stays where it is', async () => {
    bucket.put('documents/ok/en.md', fixtureDocument('markdown/harbour-forum.en.md'));
    const failing = {
      ...articles,
      putVersion: async () => {
        throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
      },
    };
    await expect(
      ingestDocument(
        {
          documents: bucket,
          quarantine: bucket,
          articles: failing as unknown as MemoryArticleStore,
          mailing: new ImmediateMailing(failing as unknown as MemoryArticleStore),
        },
        settings,
        created('documents/ok/en.md'),
        now,
      ),
    ).rejects.toThrow('slow down');
    expect(bucket.objects.has('documents/ok/en.md')).toBe(true);
    expect(bucket.quarantined.size).toBe(0);
  });
});

describe('the hostile corpus, through ingest', () => {
  const corpus = hostileCorpus();

  it.each(corpus.map((d) => [d.name, d] as const))('%s', async (_name, document) => {
    bucket.put(document.key, document.body);
    const start = performance.now();
    const outcome = await ingest(created(document.key, document.body.length));
    const ms = performance.now() - start;
    if (document.expect === 'published') expect(outcome).toMatchObject({ kind: 'stored' });
    else {
      expect(outcome).toMatchObject({ kind: 'quarantined', reason: document.expect });
      expect(bucket.objects.has(document.key)).toBe(false);
    }
    // The bound of the issue: no document holds the pipeline up (measured worst in `npm run bench -- ingest`).
    expect(ms).toBeLessThan(10_000);
  });

  it('reads no more than the limit of a document whose event says it is too large', async () => {
    let read = 0;
    const source = {
      get: async (key: string, max?: number) => {
        read++;
        return bucket.get(key, max);
      },
    };
    bucket.put('documents/big/en.txt', Buffer.alloc(2_000_000, 'a'));
    const outcome = await ingestDocument(
      { documents: source, quarantine: bucket, articles, mailing: new ImmediateMailing(articles) },
      settings,
      created('documents/big/en.txt', 2_000_000),
      now,
    );
    expect(outcome).toMatchObject({ kind: 'quarantined', reason: 'too-large' });
    expect(read).toBe(0);
    // And when the event says nothing of the size, the read stops one byte past the limit.
    bucket.put('documents/big2/en.txt', Buffer.alloc(2_000_000, 'a'));
    let bytes = 0;
    const counting = {
      get: async (key: string, max?: number) => {
        const o = await bucket.get(key, max);
        bytes = o?.bytes.length ?? 0;
        return o;
      },
    };
    expect(
      await ingestDocument(
        { documents: counting, quarantine: bucket, articles, mailing: new ImmediateMailing(articles) },
        settings,
        created('documents/big2/en.txt'),
        now,
      ),
    ).toMatchObject({ reason: 'too-large' });
    expect(bytes).toBe(settings.maxDocumentBytes + 1);
  });
});

describe('a broken re-upload', () => {
  it('is quarantined beside the live version, which stays live; a real delete still withdraws', async () => {
    bucket.put('documents/water/en.md', fixtureDocument('markdown/harbour-forum.en.md'));
    expect(await ingest(created('documents/water/en.md'))).toMatchObject({ kind: 'stored' });
    bucket.put(
      'documents/water/en.md',
      '---\ntitle: "Broken"\ndate: "the day after tomorrow"\nlang: en\n---\nText.\n',
    );
    const rejected = await ingest(created('documents/water/en.md'));
    expect(rejected).toMatchObject({
      kind: 'quarantined',
      reason: 'bad-date',
      replaces: {
        articleId: 'harbour-forum',
        lang: 'en',
        title: 'Foreign Minister Opens the Harbour Cities Forum',
      },
    });
    expect([...bucket.quarantined.values()][0]?.replaces?.articleId).toBe('harbour-forum');
    // The delete event of the quarantine's own removal withdraws nothing.
    expect(await ingest(removed('documents/water/en.md'))).toMatchObject({ kind: 'ignored' });
    expect((await articles.getVersions('harbour-forum'))[0]?.withdrawnAt).toBeUndefined();
    // The publisher's own delete afterwards does.
    expect(await ingest(removed('documents/water/en.md'))).toMatchObject({ kind: 'withdrawn' });
    expect((await articles.getVersions('harbour-forum'))[0]?.withdrawnAt).toBeDefined();
  });

  it("where S3 keeps versions, only the delete marker Herald made is Herald's", async () => {
    const versioned = new (class extends MemoryBucket {
      override async quarantine(reason: Parameters<MemoryBucket['quarantine']>[0]) {
        return { ...(await super.quarantine(reason)), removedAs: 'marker-1' };
      }
    })();
    const run = (change: ObjectChange) =>
      ingestDocument(
        { documents: versioned, quarantine: versioned, articles, mailing: new ImmediateMailing(articles) },
        settings,
        change,
        now,
      );
    versioned.put('documents/water/en.md', fixtureDocument('markdown/harbour-forum.en.md'));
    await run(created('documents/water/en.md'));
    versioned.put('documents/water/en.md', 'not a document\u0000');
    await run(created('documents/water/en.md'));
    expect(await run(removed('documents/water/en.md', 'someone-else'))).toMatchObject({ kind: 'withdrawn' });
  });
});

describe('random mutations of valid documents', () => {
  it('end stored or quarantined with a reason, never an exception, each within the bound', async () => {
    const files = documentFixtures.map((d) => d.file);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.array(
          fc.record({
            at: fc.nat(),
            text: fc.oneof(
              fc.string({ maxLength: 12 }),
              fc.constantFrom(
                '<span>'.repeat(80),
                '['.repeat(80),
                '>'.repeat(80),
                '*a',
                '&a ',
                '\u0000',
                '---\n',
              ),
            ),
          }),
          { maxLength: 5 },
        ),
        async (file, edits) => {
          let text = fixtureDocument(file).toString('utf8');
          for (const edit of edits) {
            const at = text.length === 0 ? 0 : edit.at % text.length;
            text = text.slice(0, at) + edit.text + text.slice(at);
          }
          const key = `documents/fuzz/${file.split('/').at(-1)}`;
          bucket = new MemoryBucket();
          articles = new MemoryArticleStore();
          bucket.put(key, text);
          const start = performance.now();
          const outcome = await ingest(created(key, Buffer.byteLength(text)));
          expect(['stored', 'quarantined']).toContain(outcome.kind);
          expect(performance.now() - start).toBeLessThan(5_000);
        },
      ),
      { numRuns: 150 },
    );
  });
});
