import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { S3Quarantine } from '#adapters/s3-documents.ts';
import { herald } from '../support/cli.ts';
import { fixtureDocument } from '../support/documents.ts';
import { goodPage, hostileCorpus } from '../support/hostile-documents.ts';
import { addReader, mailTo, useLocalStack, waitFor } from '../support/local-stack.ts';

// Hostile documents among good ones, on the local stack as `npm start` runs it: ingest in a process of
// its own, so the web server's loop is never the one that parses them.
const local = useLocalStack({ workerProcess: true });
const web = () => local.stack.config.endpoints.web;
const s3 = () => new S3Client({ forcePathStyle: true });
const put = (key: string, body: string | Buffer) =>
  s3().send(new PutObjectCommand({ Bucket: local.stack.config.bucket, Key: key, Body: body }));

interface Entry {
  key: string;
  reason: string;
  message: string;
  replaces?: { articleId: string; lang: string; title: string };
}
/** The quarantine, read in this process (a `herald` process per look would load the machine it measures). */
const quarantined = async () =>
  (await new S3Quarantine(local.stack.config.bucket, local.stack.config.documentsPrefix).list()) as Entry[];

const keysUnder = async (prefix: string) =>
  (
    (await s3().send(new ListObjectsV2Command({ Bucket: local.stack.config.bucket, Prefix: prefix })))
      .Contents ?? []
  ).map((o) => o.Key!);

const deadLetters = async () =>
  Number(
    (
      await new SQSClient({}).send(
        new GetQueueAttributesCommand({
          QueueUrl: local.stack.config.queues.ingestDlq,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      )
    ).Attributes?.ApproximateNumberOfMessages,
  );

describe('hostile documents among good ones', () => {
  it('are each quarantined with the right reason within a minute, while good ones are mailed and pages keep answering', async () => {
    await addReader(local.stack, 'reader@example.org', 'en');
    // A public page, asked for every 50 ms throughout: its slowest answer (once its handler is loaded,
    // as a warm Lambda's would be).
    await (await fetch(`${web()}subscribe?lang=ar`)).text();
    let slowest = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const start = performance.now();
        const response = await fetch(`${web()}subscribe?lang=ar`).catch(() => undefined);
        await response?.text();
        if (watching) slowest = Math.max(slowest, performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      const corpus = hostileCorpus();
      const good = ['first', 'second', 'third'].map((name) => ({
        key: `documents/good-${name}/en.txt`,
        title: `Press release ${name}`,
      }));
      await put(good[0]!.key, goodPage(good[0]!.title));
      for (const document of corpus) await put(document.key, document.body);
      for (const page of good.slice(1)) await put(page.key, goodPage(page.title));

      const entries = await waitFor(
        'every hostile document out of the documents prefix, quarantined',
        async () => {
          const left = await keysUnder('documents/hostile/');
          const published = corpus.filter((d) => d.expect === 'published').map((d) => d.key);
          const listed = await quarantined();
          return (
            left.every((k) => published.includes(k)) &&
            corpus
              .filter((d) => d.expect !== 'published')
              .every((d) => listed.some((e) => e.key === d.key)) &&
            listed
          );
        },
        60_000,
      );
      for (const document of corpus.filter((d) => d.expect !== 'published'))
        expect(entries.find((e) => e.key === document.key)?.reason, document.name).toBe(document.expect);
      // And the operator's command lists them all, whatever their keys.
      const listed = JSON.parse((await herald(local.home, 'quarantine', 'list', '--json')).stdout) as Entry[];
      expect(listed.length).toBe(entries.length);

      // The valid ones among them are published in full: the 600 KB Markdown and the long single line.
      const large = await (await fetch(`${web()}articles/hostile-large/en`)).text();
      expect(large).toContain('(8999)');
      await waitFor(
        'the good pages mailed',
        async () => {
          const subjects = (await mailTo(local.stack, 'reader@example.org')).map((m) => m.subject).join(' ');
          return good.every((page) => subjects.includes(page.title)) || undefined;
        },
        30_000,
      ).catch(async () => {
        // One digest may carry several of them: then its articles are what counts.
        const html = (await mailTo(local.stack, 'reader@example.org')).map((m) => m.body.html).join(' ');
        for (const page of good) expect(html).toContain(page.title);
      });
    } finally {
      watching = false;
      await watcher;
    }
    expect(await deadLetters()).toBe(0);
    // What "quickly" means here: under a second, at the worst moment, while the worker parsed them all.
    expect(slowest).toBeLessThan(1000);
  }, 120_000);

  it('a broken re-upload leaves the live article at 200 with its last good text; a real delete withdraws it', async () => {
    const key = 'documents/water/en.md';
    await put(key, fixtureDocument('markdown/harbour-forum.en.md'));
    const page = `${web()}articles/harbour-forum/en`;
    await waitFor('the article', async () => (await fetch(page)).status === 200);
    await put(
      key,
      '---\ntitle: "Broken"\ndate: "the day after tomorrow"\nlang: en\nid: harbour-forum\n---\nBroken text.\n',
    );
    const entry = await waitFor('the broken upload quarantined', async () =>
      (await quarantined()).find((e) => e.key === key),
    );
    expect(entry).toMatchObject({ reason: 'bad-date', replaces: { articleId: 'harbour-forum', lang: 'en' } });
    expect((await herald(local.home, 'quarantine', 'list')).stdout).toContain(
      'meant to replace harbour-forum (en) "Foreign Minister Opens the Harbour Cities Forum", which stays live',
    );
    // Give the delete event of the quarantine's own removal time to arrive and be handled.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const live = await fetch(page);
    expect(live.status).toBe(200);
    expect(await live.text()).toContain('welcomed mayors from forty ports');
    expect(await (await fetch(`${web()}archive/en`)).text()).toContain('Harbour Cities Forum');
    expect(await (await fetch(`${web()}archive/en/feed.atom`)).text()).toContain('Harbour Cities Forum');

    await s3().send(new DeleteObjectCommand({ Bucket: local.stack.config.bucket, Key: key }));
    await waitFor('the withdrawal', async () => (await fetch(page)).status === 410);
  });

  it('a document named like a reason file is an ordinary document, and cannot add an entry', async () => {
    const fake = {
      key: 'documents/forged.md',
      reason: 'empty',
      message: 'forged',
      at: '2020-01-01T00:00:00Z',
    };
    await put('documents/hostile2/forged.reason.json', JSON.stringify(fake));
    const listed = await waitFor('the document quarantined', async () => {
      const entries = await quarantined();
      return entries.find((e) => e.key === 'documents/hostile2/forged.reason.json') && entries;
    });
    expect(listed.some((e) => e.key === 'documents/forged.md')).toBe(false);
    const list = await herald(local.home, 'quarantine', 'list');
    expect(list.code).toBe(0);
    const retried = await herald(local.home, 'quarantine', 'retry', 'documents/hostile2/forged.reason.json');
    expect(retried.code).toBe(0);
  });
});
