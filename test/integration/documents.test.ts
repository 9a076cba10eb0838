import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { S3Quarantine } from '#adapters/s3-documents.ts';
import { encodeS3EventKey } from '#core/documents/keys.ts';
import { herald } from '../support/cli.ts';
import { fixtureDocument } from '../support/documents.ts';
import { addReader, mailTo, upload, useLocalStack, waitFor } from '../support/local-stack.ts';

const local = useLocalStack();
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

const good: Record<string, Buffer> = {
  'documents/harbour/en.md': fixtureDocument('markdown/harbour-forum.en.md'),
  'documents/harbour/ar.html': fixtureDocument('html/harbour-forum.ar.html'),
  'documents/grain.zh.json': fixtureDocument('json/grain-corridor.zh.json'),
};
const broken: Record<string, [Buffer, string]> = {
  'documents/empty.txt': [Buffer.alloc(0), 'empty'],
  'documents/scan.txt': [Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]), 'binary'],
  'documents/latin1.txt': [Buffer.from('Communiqu\xe9\n', 'latin1'), 'not-utf8'],
  'documents/huge.txt': [Buffer.alloc(1024 * 1024 + 1, 'a'), 'too-large'],
  'documents/untitled.md': [Buffer.from('---\ndate: 2026-01-01\nlang: en\n---\nBody\n'), 'no-title'],
  'documents/undated.json': [
    Buffer.from('{"title":"T","lang":"en","date":"soon","paragraphs":["x"]}'),
    'bad-date',
  ],
  'documents/sheet.csv': [Buffer.from('a,b\n1,2\n'), 'unknown-format'],
};

async function uploadAll() {
  for (const [key, body] of Object.entries(good)) await upload(local.stack, key, body);
  for (const [key, [body]] of Object.entries(broken)) await upload(local.stack, key, body);
}

describe('a mixed upload of good and broken documents', () => {
  it('mails every good page once, quarantines every broken one with its reason, and sends nothing new the second time', async () => {
    const readers = { en: 'en@example.org', ar: 'ar@example.org', zh: 'zh@example.org' } as const;
    for (const [lang, email] of Object.entries(readers))
      await addReader(local.stack, email, lang as 'en' | 'ar' | 'zh');

    await uploadAll();
    for (const email of Object.values(readers)) {
      await waitFor(`a digest for ${email}`, async () => (await mailTo(local.stack, email)).length > 0);
    }
    const quarantine = new S3Quarantine(local.stack.config.bucket, local.stack.config.documentsPrefix);
    const entries = await waitFor('every broken document in quarantine', async () => {
      const list = await quarantine.list();
      return list.length === Object.keys(broken).length && list;
    });
    for (const [key, [, reason]] of Object.entries(broken)) {
      expect(entries.find((e) => e.key === key)).toMatchObject({
        reason,
        quarantineKey: `quarantine/${key.slice('documents/'.length)}`,
      });
    }
    const left = await new S3Client({ forcePathStyle: true }).send(
      new ListObjectsV2Command({ Bucket: local.stack.config.bucket, Prefix: 'documents/' }),
    );
    expect((left.Contents ?? []).map((o) => o.Key).sort()).toEqual(Object.keys(good).sort());

    expect((await mailTo(local.stack, readers.ar))[0]!.subject).toBe(
      'وزير الخارجية يفتتح منتدى المدن المرفئية',
    );
    expect((await mailTo(local.stack, readers.zh))[0]!.subject).toBe('外交部发言人就粮食走廊协议答记者问');

    await uploadAll();
    await settle();
    for (const email of Object.values(readers)) expect(await mailTo(local.stack, email)).toHaveLength(1);
  });

  it('sends nothing more when S3 delivers the same event several times', async () => {
    const record = {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: local.stack.config.bucket },
        object: { key: encodeS3EventKey('documents/harbour/en.md') },
      },
    };
    const sqs = new SQSClient({});
    for (let i = 0; i < 3; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: local.stack.config.queues.ingest,
          MessageBody: JSON.stringify({ Records: [record] }),
        }),
      );
    }
    await settle();
    expect(await mailTo(local.stack, 'en@example.org')).toHaveLength(1);
  });

  it('lists the quarantine with the CLI and re-ingests a document once it is fixed', async () => {
    const listed = await herald(local.home, 'quarantine', 'list');
    expect(listed.stdout).toContain('documents/untitled.md');
    expect(listed.stdout).toContain('no-title: the document has no title');

    const fixed = path.join(local.home, 'fixed.md');
    await writeFile(
      fixed,
      '---\ntitle: Statement on Ocean Day\ndate: 2026-06-08 08:00\nlang: en\n---\nThe ministry marks Ocean Day.\n',
    );
    const retried = await herald(local.home, 'quarantine', 'retry', 'documents/untitled.md', '--file', fixed);
    expect(retried.code).toBe(0);
    const mails = await waitFor('the fixed document', async () => {
      const all = await mailTo(local.stack, 'en@example.org');
      return all.length === 2 && all;
    });
    expect(mails[1]!.subject).toBe('Statement on Ocean Day');
    expect((await herald(local.home, 'quarantine', 'list')).stdout).not.toContain('untitled.md');
  });

  it('serves the web version the digest links to, and withdraws it when its document is deleted', async () => {
    const url = `${local.stack.config.endpoints.web}articles/harbour-forum/ar`;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('<html lang="ar" dir="rtl">');
    expect(text).toContain('وزير الخارجية يفتتح منتدى المدن المرفئية');
    expect(text).not.toMatch(/unsubscribe|t=k1/);

    await new S3Client({ forcePathStyle: true }).send(
      new DeleteObjectCommand({ Bucket: local.stack.config.bucket, Key: 'documents/harbour/ar.html' }),
    );
    await waitFor('the withdrawal', async () => (await fetch(url)).status === 410);
  });
});
