import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoSendQuota } from '#adapters/dynamodb-sending.ts';
import { DynamoSubscriberStore, subscriberItem } from '#adapters/dynamodb-subscribers.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import type { LedgerRow } from '#core/delivery/ports.ts';
import { countRows } from '#core/digests/status.ts';
import { encodeS3EventKey } from '#core/documents/keys.ts';
import { addressHash, legacySubscriberIdFor } from '#core/subscriptions/address-hash.ts';
import { addConfirmedSubscriber } from '#core/subscriptions/manage.ts';
import { signToken } from '#core/tokens.ts';
import { ensureLocalKeys } from '#local/environment.ts';
import { herald } from '../support/cli.ts';
import { fixtureDocument } from '../support/documents.ts';
import { busiestWindow, type Refusal, startSesFaultProxy } from '../support/fault-proxy.ts';
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

// Read by the handlers when they first load, in this process: the limits per client and sender are
// out of the way, so what is tried here is what stands behind them (per mailbox, per domain, proofs).
Object.assign(process.env, {
  HERALD_SUBSCRIBE_PER_CLIENT_PER_HOUR: '500',
  HERALD_SUGGEST_PER_CLIENT_PER_HOUR: '500',
  HERALD_SUGGEST_PER_SENDER_PER_HOUR: '500',
  HERALD_SUGGEST_PER_DOMAIN_PER_HOUR: '5',
  HERALD_PROOF_COST: '20000',
  HERALD_CORS_ORIGINS: 'https://friends.example',
  HERALD_PUBLIC_MAILS_PER_HOUR: '400',
});

// Every mail of this file goes through a proxy that refuses what SES refuses: a From whose display name
// is not RFC 2047-encoded. The From has a Cyrillic name, as a Russian publisher's would.
const FROM = 'Пресс-служба <news@example.org>';
process.env.HERALD_FROM_ADDRESS = FROM;
/** Per test: how the proxy refuses a call to a given recipient, on top of SES's own rule. */
let refuseRecipient: (to: string, accepted: number) => Refusal | undefined = () => undefined;
const strictSes = await startSesFaultProxy(
  () => local.stack.config.endpoints.sesv2,
  (_call, request) =>
    /[^\x20-\x7e]/.test(request.from)
      ? { status: 400, type: 'BadRequestException', message: 'Illegal address' }
      : undefined,
  // One recipient's mail: the call of a single send, that entry alone of a bulk send.
  (to) => to.map((address) => refuseRecipient(address, strictSes.accepted.length)).find(Boolean),
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
    const mine = async (digestId: string) => (await rowsOf(`DIG#${digestId}`, `TO#${subscriber!.id}`))[0];
    await waitFor('the ledger row marked sent', async () =>
      (await Promise.all((await ledger()).map(mine))).some((row) => row?.state === 'sent'),
    );
    // The digests this reader was in (other digests of this stack may still be planning meanwhile).
    const all = await ledger();
    const rows = await Promise.all(all.map(mine));
    const digestIds = all.filter((_, i) => rows[i] !== undefined);
    const before = (await Promise.all(digestIds.map((d) => rowsOf(`DIG#${d}`, 'TO#')))).flat();
    expect(await rowsOf('ART#forget-release', `RCV#${subscriber!.id}`)).toHaveLength(1);
    // The digest's counts, as `herald status` reads them from the ledger (its plan and its rows).
    const counts = async () => {
      const listed: LedgerRow[] = [];
      for (const digestId of digestIds)
        for await (const row of new DynamoSendLedger(table()).rows(digestId)) listed.push(row);
      return countRows(listed);
    };
    await waitFor('the digest done', async () => (await counts()).pending === 0);
    const countsBefore = await counts();

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
    // Still done: the reader's plan entry is not taken for a reader still to send.
    expect(await counts()).toEqual(countsBefore);
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
    // The three go in one bulk call: the two accepted beside it prove the From, so the refusal is bad@'s.
    refuseRecipient = (to) =>
      to === 'bad@refuse.example.org'
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

/** A solved proof of work for `form`, asked for from `localAddress` (another loopback address is another client). */
async function solvedProof(form: 'subscribe' | 'suggest', localAddress = '127.0.0.1'): Promise<string> {
  const url = new URL(`${web()}api/${form}/challenge`);
  const challenge = await new Promise<unknown>((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path: url.pathname, localAddress }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve(JSON.parse(body)));
    })
      .on('error', reject)
      .end();
  });
  const solution = await solveChallenge({ challenge, deriveKey } as Parameters<typeof solveChallenge>[0]);
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

const suggestion = (overrides: Record<string, unknown> = {}) => ({
  article: 'grain-corridor',
  language: 'en',
  senderName: 'Ada',
  senderEmail: 'ada@example.org',
  friendEmails: ['friend@example.org'],
  ...overrides,
});

describe('cross-site requests', () => {
  const crossSite = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };

  it('are refused with 403 and why, on every form that changes something, and nothing is queued', async () => {
    await addReader(local.stack, 'csrf@example.org', 'en');
    const id = stackIdFor('csrf@example.org');
    const keys = stackTokenKeys();
    const soon = new Date(Date.now() + 600_000);
    const forms: Array<[string, BodyInit]> = [
      ['subscribe?lang=en', new URLSearchParams({ email: 'x@example.org', language: 'en' })],
      ['api/subscribe', JSON.stringify({ email: 'x@example.org', language: 'en' })],
      ['api/suggest', JSON.stringify(suggestion())],
      [
        `preferences?t=${encodeURIComponent(signToken(keys, 'preferences', id))}`,
        new URLSearchParams({ action: 'data' }),
      ],
      [
        `confirm?t=${encodeURIComponent(signToken(keys, 'confirm', id, soon))}`,
        new URLSearchParams({ confirm: 'yes' }),
      ],
      [
        `erase?t=${encodeURIComponent(signToken(keys, 'erase', id, soon))}`,
        new URLSearchParams({ erase: 'yes' }),
      ],
      [
        `suggestions/stop?t=${encodeURIComponent(signToken(keys, 'never-suggest', 'a'.repeat(64)))}`,
        new URLSearchParams({ stop: 'yes' }),
      ],
      [
        `unsubscribe?t=${encodeURIComponent(signToken(keys, 'unsubscribe', id))}`,
        new URLSearchParams({ undo: signToken(keys, 'undo-unsubscribe', id, soon) }),
      ],
    ];
    const before = (await outbox(local.stack)).length;
    for (const [route, body] of forms) {
      for (const headers of [
        crossSite,
        { origin: 'https://evil.example' },
        { 'sec-fetch-site': 'same-site', origin: 'https://news.evil.example' },
        { origin: 'null' },
      ]) {
        const response = await fetch(`${web()}${route}`, {
          method: 'POST',
          headers: {
            ...headers,
            ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
          },
          body,
        });
        expect(response.status, `${route} ${JSON.stringify(headers)}`).toBe(403);
        expect(await response.text()).toMatch(/cannot be sent from (a page of https:\/\/|another site)/);
      }
    }
    expect((await new DynamoSubscriberStore(table()).get(id))?.status).toBe('confirmed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await outbox(local.stack)).length).toBe(before);
  });

  it("are accepted from the site itself, from an origin of the embeddable form's allow-list, and from servers", async () => {
    const allowed = await postJson(
      'api/subscribe',
      { email: 'embedded@example.org', language: 'en' },
      {
        origin: 'https://friends.example',
        'sec-fetch-site': 'cross-site',
      },
    );
    expect(allowed.status).toBe(202);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://friends.example');
    const sameOrigin = await postJson(
      'api/subscribe',
      { email: 'own@example.org', language: 'en' },
      {
        origin: web().replace(/\/$/, ''),
        'sec-fetch-site': 'same-origin',
      },
    );
    expect(sameOrigin.status).toBe(202);
    // The embeddable form's origin may not post suggestions: its allow-list is for subscribing.
    const suggestFromThere = await postJson('api/suggest', suggestion(), {
      origin: 'https://friends.example',
    });
    expect(suggestFromThere.status).toBe(403);

    // RFC 8058: a mail provider's server posts the one-click unsubscribe with no such headers.
    await addReader(local.stack, 'one-click@example.org', 'en');
    const token = signToken(stackTokenKeys(), 'unsubscribe', stackIdFor('one-click@example.org'));
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const oneClick = await fetch(`${web()}unsubscribe?t=${encodeURIComponent(token)}`, {
      method: 'POST',
      body: form,
    });
    expect(oneClick.status).toBe(200);
    expect((await new DynamoSubscriberStore(table()).get(stackIdFor('one-click@example.org')))?.status).toBe(
      'unsubscribed',
    );
  });
});

describe('proofs of work', () => {
  it('are bound to the client that asked: a proof solved elsewhere is refused', async () => {
    await upload(local.stack, 'documents/grain/en.md', fixtureDocument('markdown/grain-corridor.en.md'));
    await waitFor(
      'the article',
      async () => (await fetch(`${web()}articles/grain-corridor/en`)).status === 200,
    );
    const elsewhere = await solvedProof('suggest', '127.0.0.2');
    const refused = await postJson('api/suggest', suggestion({ proof: elsewhere }));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { message: string }).message).toMatch(/solved elsewhere/);
    const here = await postJson(
      'api/suggest',
      suggestion({ friendEmails: ['bound@example.org'], proof: await solvedProof('suggest') }),
    );
    expect(here.status).toBe(202);
  });

  it("are bound to one form: a suggestion's proof does not subscribe, nor the other way round", async () => {
    const subscribeForm = await fetch(`${web()}subscribe?lang=en`, {
      method: 'POST',
      body: new URLSearchParams({
        email: 'cross-proof@example.org',
        language: 'en',
        altcha: await solvedProof('suggest'),
      }),
    });
    expect(subscribeForm.status).toBe(400);
    expect(await subscribeForm.text()).toMatch(/another form/);
    const suggest = await postJson('api/suggest', suggestion({ proof: await solvedProof('subscribe') }));
    expect(suggest.status).toBe(400);
  });

  it("guard Herald's own subscribe form, and cost what the configuration says", async () => {
    const page = await fetch(`${web()}subscribe?lang=fr`);
    const html = await page.text();
    expect(html).toContain('<altcha-widget challenge="/api/subscribe/challenge"');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const without = await fetch(`${web()}subscribe?lang=en`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'no-proof@example.org', language: 'en' }),
    });
    expect(without.status).toBe(400);
    expect(await without.text()).toMatch(/proof of work is missing/);
    const withProof = await fetch(`${web()}subscribe?lang=en`, {
      method: 'POST',
      body: new URLSearchParams({
        email: 'with-proof@example.org',
        language: 'en',
        altcha: await solvedProof('subscribe'),
      }),
    });
    expect(withProof.status).toBe(200);
    // HERALD_PROOF_COST=20000 for this file: a solution takes 10,000 to 30,000 rounds.
    const counters = [];
    for (let i = 0; i < 8; i++) {
      const proof = JSON.parse(Buffer.from(await solvedProof('subscribe'), 'base64').toString()) as {
        solution: { counter: number };
      };
      counters.push(proof.solution.counter);
    }
    for (const counter of counters) {
      expect(counter).toBeGreaterThanOrEqual(10_000);
      expect(counter).toBeLessThanOrEqual(30_000);
    }
  });
});

describe('one mailbox, many aliases', () => {
  it('gets at most two suggestions a day, however its address is spelt', async () => {
    const aliases = Array.from({ length: 18 }, (_, i) =>
      i % 3 === 0
        ? `victim+${i}@gmail.com`
        : i % 3 === 1
          ? `v.i.c.t.i.m+${i}@googlemail.com`
          : `Vic.tim+x${i}@Gmail.com`,
    );
    for (const [i, alias] of aliases.entries()) {
      const response = await postJson(
        'api/suggest',
        suggestion({
          senderEmail: `sender${i}@example.org`,
          friendEmails: [alias],
          proof: await solvedProof('suggest'),
        }),
      );
      expect(response.status).toBe(202);
    }
    const toMailbox = async () =>
      (await outbox(local.stack)).filter((m) =>
        m.destination.to.some((to) => /^v\.?i\.?c\.?t\.?i\.?m/i.test(to) && /g(oogle)?mail\.com$/i.test(to)),
      );
    await waitFor('the first two', async () => (await toMailbox()).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await toMailbox()).toHaveLength(2);
  });

  it('gets at most three confirmation mails a day through its aliases', async () => {
    const aliases = [
      'target+a@example.net',
      'TARGET+b@example.net',
      'target+c@Example.NET',
      'target@example.net',
      'target+e@example.net',
    ];
    for (const email of aliases)
      expect((await postJson('api/subscribe', { email, language: 'en' })).status).toBe(202);
    const toMailbox = async () =>
      (await outbox(local.stack)).filter((m) => m.destination.to.some((to) => /^target/i.test(to)));
    await waitFor('three confirmations', async () => (await toMailbox()).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await toMailbox()).toHaveLength(3);
  });

  it('and one domain gets at most the hourly share of suggestions', async () => {
    for (let i = 0; i < 9; i++) {
      const response = await postJson(
        'api/suggest',
        suggestion({
          senderEmail: `d${i}@example.org`,
          friendEmails: [`person${i}@one-domain.example`],
          proof: await solvedProof('suggest'),
        }),
      );
      expect(response.status).toBe(202);
    }
    const toDomain = async () =>
      (await outbox(local.stack)).filter((m) =>
        m.destination.to.some((to) => to.endsWith('@one-domain.example')),
      );
    await waitFor('five', async () => (await toDomain()).length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await toDomain()).toHaveLength(5);
  });
});

describe('what the visitor writes into a suggestion', () => {
  it('never reaches the subject, is shown as a name a visitor gave, and links nowhere; nobody gets a Reply-To', async () => {
    const senderName = 'Bank Security: act now at evil-bank.example';
    const note =
      'Your account is locked. Unlock at evil-bank.example/unlock or evil-bank.example:443/a, https://evil.example/x, www.evil.example, or mail help@evil-bank.example';
    const response = await postJson(
      'api/suggest',
      suggestion({
        senderName,
        note,
        senderEmail: 'phisher@example.org',
        friendEmails: ['mark@example.org'],
        proof: await solvedProof('suggest'),
      }),
    );
    expect(response.status).toBe(202);
    const [mail] = await waitFor('the suggestion', async () => {
      const mails = await mailTo(local.stack, 'mark@example.org');
      return mails.length > 0 && mails;
    });
    expect(mail!.subject).toBe('An article from Herald was suggested to you');
    expect((mail as unknown as { replyTo?: string[] }).replyTo ?? []).toEqual([]);
    for (const part of [mail!.body.html!, mail!.body.text!].map((p) => p.replace(/\s+/g, ' '))) {
      expect(part).not.toMatch(/evil-bank\.example|evil\.example|help@/);
      expect(part).toContain('evil-bank[.]example/unlock');
      expect(part).toContain('evil-bank[.]example[:]443/a');
      expect(part).toContain('help[at]evil-bank[.]example');
      expect(part).toMatch(/gave the name “Bank Security: act now at evil-bank\[\.\]example”/);
    }
    const hrefs = [...mail!.body.html!.matchAll(/href="([^"]+)"/g)].map(
      (m) => new URL(m[1]!.replaceAll('&amp;', '&')).host,
    );
    expect(new Set(hrefs)).toEqual(new Set([new URL(web()).host]));
  });

  it.each([
    ['a __proto__ key', '{"__proto__":{"admin":true},"email":"a@example.org","language":"en"}'],
    ['a constructor key', '{"constructor":{"prototype":{}},"email":"a@example.org","language":"en"}'],
    [
      'deep nesting',
      `{"email":"a@example.org","language":"en","topics":${'['.repeat(2000)}${']'.repeat(2000)}}`,
    ],
  ])('refuses %s in a JSON body with 400, on both APIs', async (_what, body) => {
    for (const route of ['api/subscribe', 'api/suggest']) {
      const response = await fetch(`${web()}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status, route).toBe(400);
    }
  });

  it('refuses a __proto__ form field with 400', async () => {
    const response = await fetch(`${web()}subscribe?lang=en`, {
      method: 'POST',
      body: new URLSearchParams({ __proto__: 'x', email: 'proto@example.org', language: 'en' }),
    });
    expect(response.status).toBe(400);
  });
});

describe('the time a subscribe request takes', () => {
  it('is the same for a confirmed address and a new one: the answer is queued before anything about the address is read', async () => {
    await addReader(local.stack, 'timing-known@example.org', 'en');
    const time = async (email: string) => {
      const start = performance.now();
      const response = await postJson('api/subscribe', { email, language: 'en' });
      const elapsed = performance.now() - start;
      return { elapsed, status: response.status, body: await response.text() };
    };
    const known: number[] = [];
    const fresh: number[] = [];
    const answers = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const a = await time('timing-known@example.org');
      const b = await time(`timing-new-${i}@example.org`);
      known.push(a.elapsed);
      fresh.push(b.elapsed);
      answers.add(`${a.status} ${a.body}`).add(`${b.status} ${b.body}`);
    }
    expect(answers.size).toBe(1);
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    // Measured as it was before: 16–24 ms against 34–69 ms (twice as long, 18 ms or more apart). Now the
    // same work: only noise between them. Compared pair by pair (each known request beside the new one
    // right after it), so a busy machine's slow stretches, which hit both of a pair, cancel out.
    const gaps = known.map((k, i) => fresh[i]! - k);
    expect(Math.abs(median(gaps))).toBeLessThan(Math.max(10, 0.4 * median(fresh)));
  });
});

// Last: it spends the public-mail budget of the hour for this stack.
describe('the public-mail budget', () => {
  it("counts the public's mails in the daily quota, paces them, and when spent answers 429 while digests keep going", async () => {
    const quota = new DynamoSendQuota(table(), 50_000);
    const used = async () => (await quota.usage(new Date())).used;
    const before = await used();
    const burst = Array.from({ length: 8 }, (_, i) => `paced${i}@example.org`);
    for (const email of burst)
      expect((await postJson('api/subscribe', { email, language: 'en' })).status).toBe(202);
    await waitFor(
      'eight confirmations',
      async () => {
        const mails = await outbox(local.stack);
        return burst.every((email) => mails.some((m) => m.destination.to.includes(email)));
      },
      20_000,
    );
    // Counted in the quota the digests share…
    expect(await used()).toBeGreaterThanOrEqual(before + burst.length);
    // …and paced at the public's share of the account's rate (2 a second here), never in a burst: eight
    // mails take three and a half seconds or more, and no second at SES's door holds more than the pace's
    // two and one that arrived a moment early.
    const times = strictSes.accepted.filter((call) => burst.includes(call.to[0]!)).map((call) => call.at);
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(3);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(3000);

    // Spend the rest of the hour's budget with requests for a confirmed address (nothing is mailed).
    await addReader(local.stack, 'budget@example.org', 'en');
    let spent: Response | undefined;
    for (let i = 0; i < 450; i++) {
      spent = await postJson('api/subscribe', { email: 'budget@example.org', language: 'en' });
      if (spent.status !== 202) break;
    }
    expect(spent!.status).toBe(429);
    expect(Number(spent!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await spent!.json()) as { message: string }).message).toMatch(
      /as many mails to the public as it may/,
    );
    const suggestNow = await postJson(
      'api/suggest',
      suggestion({ friendEmails: ['late@example.org'], proof: await solvedProof('suggest') }),
    );
    expect(suggestNow.status).toBe(429);

    // Digests are not the public's mail: they go out as ever.
    await addReader(local.stack, 'still-served@example.org', 'es');
    await upload(local.stack, 'documents/grain/es.md', fixtureDocument('markdown/grain-corridor.es.md'));
    await waitFor(
      'the digest',
      async () => (await mailTo(local.stack, 'still-served@example.org')).length === 1,
    );
  });
});

describe('any public route, tried with hostile paths, parameters and bodies', () => {
  it('answers 4xx (or a page), never 5xx', async () => {
    const values = [
      '__proto__',
      'constructor',
      'toString',
      '..%2F..%2Fetc%2Fpasswd',
      '%00',
      'a'.repeat(3000),
      '%E0%A4%A',
    ];
    const paths = values.flatMap((v) => [
      `articles/${v}/en`,
      `articles/grain-corridor/${v}`,
      `archive/${v}`,
      `archive/${v}/feed.atom`,
      `digests/${v}`,
      `preview/${v}/en`,
      `preview/digest/${v}`,
      `subscribe?lang=${v}`,
      `unsubscribe?t=${v}`,
      `preferences?t=${v}`,
      `confirm?t=${v}&lang=${v}`,
      `my-data?t=${v}`,
      `suggestions/stop?t=${v}&lang=${v}`,
      `api/suggest/challenge?${v}=1`,
      `${v}`,
    ]);
    const failures: string[] = [];
    for (const path of paths) {
      const get = await fetch(`${web()}${path}`);
      if (get.status >= 500) failures.push(`GET /${path.slice(0, 80)}: ${get.status}`);
      const post = await fetch(`${web()}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `__proto__=1&constructor=2&email=${encodeURIComponent('a@example.org')}`,
      });
      if (post.status >= 500) failures.push(`POST /${path.slice(0, 80)}: ${post.status}`);
    }
    for (const contentType of [
      'application/json',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/x-www-form-urlencoded; charset=utf-7',
    ]) {
      for (const route of ['api/subscribe', 'api/suggest', 'subscribe', 'unsubscribe?t=x']) {
        const response = await fetch(`${web()}${route}`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: '--x\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\n{"a":\r\n--x--',
        });
        if (response.status >= 500) failures.push(`POST /${route} as ${contentType}: ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
