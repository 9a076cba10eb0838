import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSubscriberStore, subscriberItem } from '#adapters/dynamodb-subscribers.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { encodeS3EventKey } from '#core/documents/keys.ts';
import { addressHash, legacySubscriberIdFor } from '#core/subscriptions/address-hash.ts';
import { addConfirmedSubscriber } from '#core/subscriptions/manage.ts';
import { signToken } from '#core/tokens.ts';
import { ensureLocalKeys } from '#local/environment.ts';
import { herald } from '../support/cli.ts';
import { fixtureDocument } from '../support/documents.ts';
import { type Refusal, startSesFaultProxy } from '../support/fault-proxy.ts';
import {
  addReader,
  mailTo,
  outbox,
  stackAddressKey,
  stackIdFor,
  stackTokenKeys,
  upload,
  useLocalStack,
  waitFor,
} from '../support/local-stack.ts';

// Hostile input against the public doors of the local stack, one group per attack. Every answer must be
// a 4xx that says what is wrong (never a 5xx), and nothing may reach a reader that should not.

// Every mail of this file goes through a proxy that refuses what SES refuses: a From whose display name
// is not RFC 2047-encoded. The From has a Cyrillic name, as a Russian publisher's would.
const FROM = 'Пресс-служба <news@example.org>';
process.env.HERALD_FROM_ADDRESS = FROM;
/** Per test: how the proxy refuses a call to a given recipient, on top of SES's own rule. */
let refuseRecipient: (to: string, accepted: number) => Refusal | undefined = () => undefined;
const strictSes = await startSesFaultProxy(
  () => local.stack.config.endpoints.sesv2,
  (_call, request) => {
    if (/[^\x20-\x7e]/.test(request.from))
      return { status: 400, type: 'BadRequestException', message: 'Illegal address' };
    return request.to.map((to) => refuseRecipient(to, strictSes.accepted.length)).find(Boolean);
  },
);
process.env.HERALD_SES_ENDPOINT = strictSes.url;
afterAll(() => strictSes.close());

const local = useLocalStack();
const web = () => local.stack.config.endpoints.web;
const table = () => local.stack.config.table;
const db = () => dynamoDocumentClient();

const postJson = (route: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${web()}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('token key ids taken from the URL', () => {
  const routes = ['confirm', 'unsubscribe', 'preferences', 'suggestions/stop', 'my-data', 'erase'];
  const ids = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(routes)(
    '/%s answers 400, never 500, to a key id that is a property of every object',
    async (route) => {
      for (const kid of ids) {
        for (const token of [`${kid}.s_1..${'A'.repeat(32)}`, `${kid}.s_1.zzzzzz.${'A'.repeat(32)}`]) {
          const url = `${web()}${route}?t=${encodeURIComponent(token)}`;
          const get = await fetch(url);
          expect(get.status, `GET /${route} with ${kid}`).toBe(400);
          if (route !== 'my-data') {
            const post = await fetch(url, { method: 'POST', body: new URLSearchParams({ x: '1' }) });
            expect(post.status, `POST /${route} with ${kid}`).toBe(400);
          }
        }
      }
    },
  );

  it('refuses a confirm, data or erase token that carries no expiry', async () => {
    const reader = await addReader(local.stack, 'no-expiry@example.org', 'en');
    const keys = stackTokenKeys();
    const { createHmac } = await import('node:crypto');
    for (const [route, purpose] of [
      ['confirm', 'confirm'],
      ['my-data', 'data'],
      ['erase', 'erase'],
    ] as const) {
      const mac = createHmac('sha256', keys.keys.get(keys.current)!)
        .update(`herald:${purpose}:${keys.current}:${reader.id}:`)
        .digest('base64url')
        .slice(0, 32);
      const response = await fetch(`${web()}${route}?t=${keys.current}.${reader.id}..${mac}`);
      expect(response.status, route).toBe(400);
    }
  });
});

describe('addresses with impossible domains', () => {
  it.each([
    ['odd@b.com,c.com', /only letters, digits and hyphens/],
    ['a@x..com', /empty part/],
    ['a@.com', /empty part/],
    ['a@(x).com', /only letters, digits and hyphens/],
    ['a@example.org.', /empty part/],
    ['a@192.0.2.1', /ends in a number/],
    ['a@[192.0.2.1]', /address literal/],
    [`a@${'x'.repeat(64)}.com`, /1 to 63 characters/],
  ])('%s is refused with 400 and what is wrong, and nothing is mailed', async (email, message) => {
    const before = (await outbox(local.stack)).length;
    const response = await postJson('api/subscribe', { email, language: 'en' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await outbox(local.stack)).length).toBe(before);
  });
});

describe('subscriber ids', () => {
  it('are keyed hashes: a guessed address cannot be tested against an id or a link', async () => {
    const reader = await addReader(local.stack, 'guess-me@example.org', 'en');
    expect(reader.id).toMatch(/^r_[0-9a-f]{24}$/);
    expect(reader.id).not.toBe(legacySubscriberIdFor('guess-me@example.org'));
    const { createHash } = await import('node:crypto');
    expect(reader.id).not.toContain(
      createHash('sha256').update('guess-me@example.org').digest('hex').slice(0, 24),
    );
  });

  it('of an earlier version move to keyed ids with herald subscribers migrate-ids, and old links keep working', async () => {
    const email = 'old-reader@example.org';
    const legacy = legacySubscriberIdFor(email);
    const at = new Date().toISOString();
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: subscriberItem({
          id: legacy,
          email,
          status: 'confirmed',
          lang: 'en',
          cadence: 'immediate',
          createdAt: at,
          updatedAt: at,
        }),
      }),
    );
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { pk: 'DIGESTS', sk: `2020-01-01T00:00:00.000Z#d_0ld`, digestId: 'd_0ld' },
      }),
    );
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: { pk: 'DIG#d_0ld', sk: `TO#${legacy}`, state: 'sent', attempts: 1, updatedAt: at },
      }),
    );
    await db().send(
      new PutCommand({
        TableName: table(),
        Item: {
          pk: 'PUBLISHED',
          sk: `2020-01-01T00:00:00.000Z#old-article#en`,
          articleId: 'old-article',
          lang: 'en',
        },
      }),
    );
    await db().send(
      new PutCommand({ TableName: table(), Item: { pk: 'ART#old-article', sk: `RCV#${legacy}`, at } }),
    );

    const refused = await herald(local.home, 'subscribers', 'migrate-ids');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/turn sending off first/);
    expect((await herald(local.home, 'sending', 'off', '--reason', 'migration')).code).toBe(0);
    const migrated = await herald(local.home, 'subscribers', 'migrate-ids');
    expect(migrated.stdout).toContain(
      '1 subscribers moved to keyed ids, 1 send-ledger rows and 1 receipts with them',
    );
    expect((await herald(local.home, 'subscribers', 'migrate-ids')).stdout).toContain('0 subscribers moved');
    expect((await herald(local.home, 'sending', 'on')).code).toBe(0);

    const id = stackIdFor(email);
    const row = (pk: string, sk: string) =>
      db().send(new GetCommand({ TableName: table(), Key: { pk, sk }, ConsistentRead: true }));
    expect((await row(`SUB#${id}`, 'PROFILE')).Item).toMatchObject({ id, email, status: 'confirmed' });
    expect((await row(`SUB#${legacy}`, 'PROFILE')).Item).toBeUndefined();
    expect((await row('DIG#d_0ld', `TO#${id}`)).Item).toMatchObject({ state: 'sent' });
    expect((await row('DIG#d_0ld', `TO#${legacy}`)).Item).toBeUndefined();
    expect((await row('ART#old-article', `RCV#${id}`)).Item).toBeDefined();

    // The unsubscribe link in mail sent before the migration names the old id, and still works.
    const oldLink = `${web()}unsubscribe?t=${encodeURIComponent(signToken(stackTokenKeys(), 'unsubscribe', legacy))}`;
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    expect((await fetch(oldLink, { method: 'POST', body: form })).status).toBe(200);
    expect((await new DynamoSubscriberStore(table()).get(id))?.status).toBe('unsubscribed');
  });
});

describe('erasure', () => {
  it('also removes the reader from the send ledger and the receipts, and keeps the digest counts', async () => {
    const email = 'forget-me@example.org';
    const { subscriber } = await addConfirmedSubscriber(
      {
        subscribers: new DynamoSubscriberStore(table()),
        suppressions: new DynamoSuppressionList(table()),
      },
      stackAddressKey(),
      { email, lang: 'fr', cadence: 'immediate', alsoOriginalLanguage: true, source: 'test' },
      new Date(),
    );
    await upload(
      local.stack,
      'documents/forget/en.md',
      '---\ntitle: "A release only in English"\ndate: "2026-05-12 09:00"\nlang: en\nid: forget-release\n---\nOne paragraph of the release.\n',
    );
    await waitFor('the digest', async () => (await mailTo(local.stack, email)).length === 1);
    const ledger = async () =>
      (
        await db().send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': 'DIGESTS' },
          }),
        )
      ).Items!.map((item) => item.digestId as string);
    const rowsOf = async (pk: string, prefix: string) =>
      (
        await db().send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': pk, ':sk': prefix },
            ConsistentRead: true,
          }),
        )
      ).Items!;
    const digestIds = await ledger();
    const before = (await Promise.all(digestIds.map((d) => rowsOf(`DIG#${d}`, 'TO#')))).flat();
    await waitFor('the ledger row marked sent', async () =>
      (await Promise.all(digestIds.map((d) => rowsOf(`DIG#${d}`, `TO#${subscriber!.id}`))))
        .flat()
        .some((r) => r.state === 'sent'),
    );
    expect(await rowsOf('ART#forget-release', `RCV#${subscriber!.id}`)).toHaveLength(1);

    const expires = new Date(Date.now() + 600_000);
    const erase = `${web()}erase?t=${encodeURIComponent(signToken(stackTokenKeys(), 'erase', subscriber!.id, expires))}`;
    expect((await fetch(erase, { method: 'POST', body: new URLSearchParams({ erase: 'yes' }) })).status).toBe(
      200,
    );

    const after = (await Promise.all(digestIds.map((d) => rowsOf(`DIG#${d}`, 'TO#')))).flat();
    expect(after.some((r) => String(r.sk).includes(subscriber!.id))).toBe(false);
    expect(JSON.stringify(after)).not.toContain(email);
    expect(after).toHaveLength(before.length);
    expect(after.filter((r) => r.state === 'sent')).toHaveLength(
      before.filter((r) => r.state === 'sent').length,
    );
    expect(await rowsOf('ART#forget-release', `RCV#${subscriber!.id}`)).toHaveLength(0);
    expect(await new DynamoSubscriberStore(table()).get(subscriber!.id)).toBeUndefined();
  });
});

describe('rotating the token keys', () => {
  it('leaves a suppressed address suppressed, even when the new key comes first in the secret', async () => {
    const email = 'stay-away@example.org';
    expect((await herald(local.home, 'subscribers', 'suppress', email)).code).toBe(0);
    const file = path.join(local.home, 'token-keys.json');
    const old = JSON.parse(await readFile(file, 'utf8')) as { current: string; k1: string };
    const rotated = { current: 'k2', k2: 'n'.repeat(43), k1: old.k1 };
    await writeFile(file, JSON.stringify(rotated));
    try {
      const added = await herald(local.home, 'subscribers', 'add', email, '--lang', 'en', '--confirmed');
      expect(added.code).toBe(1);
      expect(added.stderr).toContain('this address is suppressed');
    } finally {
      await writeFile(file, JSON.stringify(old));
    }
  });

  it('keeps the hashes of a home made before the address key: its first token key becomes the address key', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'herald-old-home-'));
    try {
      const first = 'f'.repeat(43);
      await writeFile(path.join(home, 'token-keys.json'), JSON.stringify({ current: 'k1', k1: first }));
      await ensureLocalKeys(home);
      expect(await readFile(path.join(home, 'address-key'), 'utf8')).toBe(first);
      await ensureLocalKeys(home);
      expect(await readFile(path.join(home, 'address-key'), 'utf8')).toBe(first);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('framing', () => {
  it('no page, form or API answer can be framed by another site', async () => {
    await addReader(local.stack, 'framed@example.org', 'en');
    const token = signToken(stackTokenKeys(), 'unsubscribe', stackIdFor('framed@example.org'));
    const pages = [
      'subscribe?lang=ar',
      `unsubscribe?t=${encodeURIComponent(token)}`,
      `preferences?t=${encodeURIComponent(signToken(stackTokenKeys(), 'preferences', stackIdFor('framed@example.org')))}`,
      'confirm?t=x',
      'archive/en',
      'archive/en/feed.atom',
      'articles/nothing-here/en',
      'api/suggest/challenge',
      'assets/altcha.js',
      'preview',
    ];
    for (const page of pages) {
      const response = await fetch(`${web()}${page}`);
      expect(response.headers.get('content-security-policy'), page).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('x-frame-options'), page).toBe('DENY');
    }
  });
});

describe('CSV exports', () => {
  it('write formula-looking addresses so a spreadsheet shows them as text', async () => {
    const email = "=cmd|'/Ccalc'!A0@example.org";
    const response = await postJson('api/subscribe', { email, language: 'en' });
    expect(response.status).toBe(202);
    await addReader(local.stack, '+sum@example.org', 'en');
    await waitFor('the pending reader', async () =>
      (await herald(local.home, 'subscribers', 'export')).stdout.includes('Ccalc'),
    );
    const exported = (await herald(local.home, 'subscribers', 'export')).stdout;
    const cells = exported.split('\n').map((line) => line.split(',')[0] ?? '');
    expect(cells.filter((cell) => /^["']?[=+\-@]/.test(cell) && !/^["']?'/.test(cell))).toEqual([]);
    expect(exported).toContain("'=cmd|'/Ccalc'!A0@example.org");
    expect(exported).toContain("'+sum@example.org");
  });
});

describe('object keys that climb out of the documents folder', () => {
  it('are refused by the local S3 and never written outside it', async () => {
    const s3 = new S3Client({ forcePathStyle: true });
    for (const key of ['documents/../../../escape.md', 'documents/./x.md', 'documents//x.md']) {
      await expect(
        s3.send(new PutObjectCommand({ Bucket: local.stack.config.bucket, Key: key, Body: '# x' })),
        key,
      ).rejects.toThrow(/refuses object keys|InvalidArgument|400/);
    }
    expect(existsSync(path.join(local.home, 'escape.md'))).toBe(false);
    expect(existsSync(path.join(local.home, 's3', 'escape.md'))).toBe(false);
    // A literal "%2e%2e" is a name like any other, and stays one.
    await s3.send(
      new PutObjectCommand({ Bucket: local.stack.config.bucket, Key: 'elsewhere/%2e%2e/y.md', Body: '# y' }),
    );
    const everything = await readdir(local.home, { recursive: true });
    expect(everything.filter((file) => file.includes('escape'))).toEqual([]);
    expect(existsSync(path.join(local.home, 's3', local.stack.config.bucket, 'y.md'))).toBe(false);
  });

  it('are never ingested on any stack: their event quarantines them with the reason', async () => {
    const keys = ['documents/../sneaky.md', 'documents/a//b.md', 'documents/./c.md'];
    await new SQSClient({}).send(
      new SendMessageCommand({
        QueueUrl: local.stack.config.queues.ingest,
        MessageBody: JSON.stringify({
          Records: keys.map((key) => ({
            eventVersion: '2.1',
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: {
              bucket: { name: local.stack.config.bucket },
              object: { key: encodeS3EventKey(key), size: 10 },
            },
          })),
        }),
      }),
    );
    const listed = await waitFor('the quarantine entries', async () => {
      const list = await herald(local.home, 'quarantine', 'list', '--json');
      const entries = JSON.parse(list.stdout || '[]') as Array<{
        key: string;
        reason: string;
        message: string;
      }>;
      return keys.every((key) => entries.some((e) => e.key === key)) && entries;
    });
    for (const key of keys) {
      expect(listed.find((e) => e.key === key)).toMatchObject({
        reason: 'unsafe-key',
        message: expect.stringMatching(/segment/),
      });
    }
    expect((await fetch(`${web()}articles/sneaky/en`)).status).toBe(404);
  });
});

describe('undo after a one-click unsubscribe', () => {
  const oneClick = () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    return form;
  };

  it('needs the short-lived token of the confirming page: the long-lived unsubscribe token never re-subscribes', async () => {
    const reader = await addReader(local.stack, 'undo-me@example.org', 'en');
    const url = `${web()}unsubscribe?t=${encodeURIComponent(signToken(stackTokenKeys(), 'unsubscribe', reader.id))}`;
    const store = new DynamoSubscriberStore(table());
    const page = await (await fetch(url, { method: 'POST', body: oneClick() })).text();
    expect((await store.get(reader.id))?.status).toBe('unsubscribed');

    // An old or forwarded mail's link, posted with undo=1 or its own token as the undo: refused.
    for (const undo of ['1', signToken(stackTokenKeys(), 'unsubscribe', reader.id)]) {
      const replay = await fetch(url, { method: 'POST', body: new URLSearchParams({ undo }) });
      expect(replay.status).toBe(400);
      expect((await store.get(reader.id))?.status).toBe('unsubscribed');
    }
    // An undo token past its quarter of an hour: refused, and says so.
    const stale = signToken(stackTokenKeys(), 'undo-unsubscribe', reader.id, new Date(Date.now() - 1000));
    const late = await fetch(url, { method: 'POST', body: new URLSearchParams({ undo: stale }) });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('expired');

    // The page's own button works, within its time.
    const undo = /name="undo" value="([^"]+)"/.exec(page)?.[1];
    expect(undo).toMatch(/\.[0-9a-z]+\./);
    const expiry = Number.parseInt(undo!.split('.')[2]!, 36) * 1000;
    expect(expiry - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(expiry - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const back = await fetch(url, { method: 'POST', body: new URLSearchParams({ undo: undo! }) });
    expect(back.status).toBe(200);
    expect((await store.get(reader.id))?.status).toBe('confirmed');
  });
});

describe('SES refusals, by whose fault they are', () => {
  it('a publisher name in Cyrillic is RFC 2047-encoded, so SES takes the From and no reader is blamed', async () => {
    await addReader(local.stack, 'cyrillic@example.org', 'en');
    const response = await postJson('api/subscribe', { email: 'new-reader@example.org', language: 'ru' });
    expect(response.status).toBe(202);
    const [mail] = await waitFor('the confirmation mail', async () => {
      const mails = await mailTo(local.stack, 'new-reader@example.org');
      return mails.length > 0 && mails;
    });
    expect(mail!.from).toBe('=?UTF-8?B?0J/RgNC10YHRgS3RgdC70YPQttCx0LA=?= <news@example.org>');
    expect(strictSes.refused.filter((r) => r.type === 'BadRequestException')).toEqual([]);
  });

  it('an account-level refusal pauses the digest with the reason, and suppresses nobody', async () => {
    refuseRecipient = (to) =>
      to.endsWith('@pause.example.org')
        ? {
            status: 400,
            type: 'MessageRejected',
            message:
              'Email address is not verified. The following identities failed the check in region US-EAST-1: news@example.org',
          }
        : undefined;
    try {
      const readers = ['a@pause.example.org', 'b@pause.example.org', 'c@pause.example.org'];
      for (const email of readers) await addReader(local.stack, email, 'zh');
      await upload(local.stack, 'documents/grain/zh.md', fixtureDocument('markdown/grain-corridor.zh.md'));
      const digests = new AwsDigestStore(table(), local.stack.config.bucket);
      const paused = await waitFor('the paused digest', async () =>
        (await digests.listRecords(20)).find((d) => d.lang === 'zh' && d.control === 'paused'),
      );
      expect(paused.controlReason).toMatch(/SES refused: AccountRefused|not verified/);
      const suppressions = new DynamoSuppressionList(table());
      const store = new DynamoSubscriberStore(table());
      for (const email of readers) {
        expect(await suppressions.has(addressHash(stackAddressKey(), email))).toBe(false);
        expect((await store.get(stackIdFor(email)))?.status).toBe('confirmed');
      }
    } finally {
      refuseRecipient = () => undefined;
    }
  });

  it("an address SES refuses, once the same From was taken, is that reader's alone: suppressed, the rest mailed", async () => {
    const readers = ['one@refuse.example.org', 'two@refuse.example.org', 'bad@refuse.example.org'];
    refuseRecipient = (to, accepted) =>
      to === 'bad@refuse.example.org' && accepted > 0
        ? { status: 400, type: 'BadRequestException', message: 'Illegal address' }
        : undefined;
    try {
      for (const email of readers) await addReader(local.stack, email, 'ru');
      await upload(local.stack, 'documents/grain/ru.md', fixtureDocument('markdown/grain-corridor.ru.md'));
      await waitFor('the good readers', async () => {
        const got = await Promise.all(readers.slice(0, 2).map((r) => mailTo(local.stack, r)));
        return got.every((m) => m.length === 1);
      });
      await waitFor('the bad address suppressed', async () =>
        new DynamoSuppressionList(table()).has(addressHash(stackAddressKey(), 'bad@refuse.example.org')),
      );
      expect(await mailTo(local.stack, 'bad@refuse.example.org')).toHaveLength(0);
      const digests = new AwsDigestStore(table(), local.stack.config.bucket);
      expect((await digests.listRecords(20)).find((d) => d.lang === 'ru')?.control).not.toBe('paused');
    } finally {
      refuseRecipient = () => undefined;
    }
  });
});
