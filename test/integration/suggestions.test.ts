import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { beforeAll, describe, expect, it } from 'vitest';
import { herald } from '../support/cli.ts';
import { fixtureDocument } from '../support/documents.ts';
import { mailTo, outbox, upload, useLocalStack, waitFor } from '../support/local-stack.ts';

// Read by the suggest handler when it first loads, in this process.
process.env.HERALD_SUGGEST_PER_CLIENT_PER_HOUR = '16';

const local = useLocalStack();
const web = () => local.stack.config.endpoints.web;

beforeAll(async () => {
  await upload(local.stack, 'documents/grain/en.md', fixtureDocument('markdown/grain-corridor.en.md'));
  await waitFor(
    'the article',
    async () => (await fetch(`${web()}articles/grain-corridor/en`)).status === 200,
  );
});

/** Solves a proof-of-work challenge as the page's widget does, and encodes it as the form field holds it. */
async function proof(): Promise<string> {
  const challenge = await (await fetch(`${web()}api/suggest/challenge`)).json();
  const solution = await solveChallenge({ challenge, deriveKey } as Parameters<typeof solveChallenge>[0]);
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

const valid = {
  article: 'grain-corridor',
  language: 'en',
  senderName: 'Ada',
  senderEmail: 'ada@example.org',
  friendEmails: ['friend@example.org'],
};
const suggest = (body: unknown, raw?: string) =>
  fetch(`${web()}api/suggest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });

describe('POST /api/suggest refuses what would make it a spam relay, with a 4xx and a message, and sends nothing', () => {
  const many = Array.from({ length: 50 }, (_, i) => `r${i}@example.org`);
  const cases: Array<[string, Record<string, unknown> | string, number, RegExp]> = [
    [
      'CRLF in the name (header injection)',
      { ...valid, senderName: 'Ada\r\nBcc: victims@example.org' },
      400,
      /senderName must be on one line/,
    ],
    ['LF in the name', { ...valid, senderName: 'Ada\nX-Spam: yes' }, 400, /one line/],
    [
      'CR in the sender address',
      { ...valid, senderEmail: 'ada@example.org\rBcc: x@example.org' },
      400,
      /senderEmail must be on one line/,
    ],
    [
      'CRLF in a friend address',
      { ...valid, friendEmails: ['f@example.org\r\nCc: x@example.org'] },
      400,
      /one line/,
    ],
    ['HTML in the name', { ...valid, senderName: '<b>Ada</b>' }, 400, /plain text/],
    ['a script in the name', { ...valid, senderName: '<script>alert(1)</script>' }, 400, /plain text/],
    [
      'HTML in the note',
      { ...valid, note: 'hi <a href="https://evil.example">click</a>' },
      400,
      /note is plain text/,
    ],
    ['a script in the note', { ...valid, note: '<script>steal()</script>' }, 400, /plain text/],
    ['an image in the note', { ...valid, note: '<img src=x onerror=alert(1)>' }, 400, /plain text/],
    ['50 recipients', { ...valid, friendEmails: many }, 400, /at most 3 friend addresses/],
    ['4 recipients', { ...valid, friendEmails: many.slice(0, 4) }, 400, /at most 3/],
    ['no recipient', { ...valid, friendEmails: [] }, 400, /at least one friend/],
    [
      'recipients as a string',
      { ...valid, friendEmails: 'a@example.org,b@example.org' },
      400,
      /list of addresses/,
    ],
    ['no proof', { ...valid }, 400, /proof of work is missing/],
    ['an empty proof', { ...valid, proof: '' }, 400, /proof/],
    [
      'a forged proof',
      {
        ...valid,
        proof: Buffer.from('{"challenge":{"signature":"00"},"solution":{"counter":1}}').toString('base64'),
      },
      400,
      /proof of work is not valid/,
    ],
    ['garbage as proof', { ...valid, proof: '%%%' }, 400, /not valid/],
    ['an oversize name', { ...valid, senderName: 'A'.repeat(61) }, 400, /senderName is longer than 60/],
    ['an oversize note', { ...valid, note: 'n'.repeat(281) }, 400, /note is longer than 280/],
    ['an oversize body', { ...valid, note: 'n'.repeat(9000) }, 413, /larger than 8192 bytes/],
    ['an unknown field', { ...valid, bcc: ['x@example.org'] }, 400, /Unrecognized key/i],
    ['a missing article', { ...valid, article: undefined }, 400, /article is required/],
    ['a malformed article id', { ...valid, article: '../../etc/passwd' }, 400, /not an article id/],
    ['an unknown language', { ...valid, language: 'de' }, 400, /language must be one of/],
    ['no sender name', { ...valid, senderName: '  ' }, 400, /senderName is required/],
    ['not JSON', '{"article":', 400, /not a JSON object/],
    ['a JSON array', '[]', 400, /not a JSON object/],
    ['a number', '42', 400, /not a JSON object/],
  ];
  it.each(cases)('%s', async (_what, body, status, message) => {
    const before = (await outbox(local.stack)).length;
    const response = typeof body === 'string' ? await suggest(null, body) : await suggest(body);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect((await outbox(local.stack)).length).toBe(before);
  });

  it.each([
    ['an unknown article', { article: 'no-such-article' }, 404, /no such article/],
    ['a non-ASCII local part', { friendEmails: ['jürgen@example.de'] }, 400, /ASCII/],
    ['an address without a domain', { senderEmail: 'ada@' }, 400, /domain/],
  ])('%s (with a valid proof)', async (_what, change, status, message) => {
    const before = (await outbox(local.stack)).length;
    const response = await suggest({ ...valid, ...change, proof: await proof() });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect((await outbox(local.stack)).length).toBe(before);
  });

  it('a replayed proof', async () => {
    const once = await proof();
    expect((await suggest({ ...valid, friendEmails: ['replay@example.org'], proof: once })).status).toBe(202);
    const before = (await outbox(local.stack)).length;
    const again = await suggest({ ...valid, friendEmails: ['replay2@example.org'], proof: once });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { message: string }).message).toMatch(/already used/);
    expect((await outbox(local.stack)).length).toBe(before);
  });
});

describe('a suggestion', () => {
  it('is a fixed template From Herald, with no Reply-To, and stops at a friend who opted out', async () => {
    const response = await suggest({
      ...valid,
      senderName: 'Ada L.',
      friendEmails: ['grace@example.org'],
      note: 'see www.example.org',
      proof: await proof(),
    });
    expect(response.status).toBe(202);
    const [mail] = await waitFor('the suggestion', async () => {
      const mails = await mailTo(local.stack, 'grace@example.org');
      return mails.length > 0 && mails;
    });
    expect(mail!.subject).toBe('An article from Herald was suggested to you');
    expect(mail!.from).toBe('Herald <digest@herald.example.org>');
    expect((mail as unknown as { replyTo?: string[] }).replyTo ?? []).toEqual([]);
    expect(mail!.body.html).toContain('who gave the name “Ada L.”');
    expect(mail!.body.html).toContain('www[.]example[.]org');
    expect(mail!.body.html).not.toContain('www.example.org');
    const stop = [
      ...mail!.body.html!.matchAll(/href="([^"]+suggestions\/stop\?t=[^"]+)"/g),
    ][0]![1]!.replaceAll('&amp;', '&');
    expect((await fetch(stop)).status).toBe(200);
    expect((await fetch(stop, { method: 'POST', body: new URLSearchParams({ stop: 'yes' }) })).status).toBe(
      200,
    );

    const again = await suggest({
      ...valid,
      senderEmail: 'other@example.org',
      friendEmails: ['grace@example.org'],
      proof: await proof(),
    });
    expect(again.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await mailTo(local.stack, 'grace@example.org')).toHaveLength(1);
  });

  it('reaches one friend at most twice a day, answering the sender the same either way', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await suggest({
        ...valid,
        senderEmail: `sender${i}@example.org`,
        friendEmails: ['popular@example.org'],
        proof: await proof(),
      });
      expect(response.status).toBe(202);
    }
    await waitFor(
      'two suggestions',
      async () => (await mailTo(local.stack, 'popular@example.org')).length >= 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await mailTo(local.stack, 'popular@example.org')).toHaveLength(2);
  });

  it('stops a flood at the per-sender limit, then at the per-client limit, with 429 and a retry hint', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await suggest({
        ...valid,
        senderEmail: 'flood@example.org',
        friendEmails: [`target${i}@example.org`],
        proof: await proof(),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await response.json()) as { message: string }).message).toMatch(/from this address/);
      }
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    let client: Response | undefined;
    for (let i = 0; i < 20; i++) {
      client = await suggest({
        ...valid,
        senderEmail: `s${i}@example.org`,
        friendEmails: [`t${i}@example.org`],
        proof: await proof(),
      });
      if (client.status === 429) break;
    }
    expect(client!.status).toBe(429);
    expect(((await client!.json()) as { message: string }).message).toMatch(/from your network/);
  });

  it('stores no friend as a subscriber', async () => {
    const listed = await herald(local.home, 'subscribers', 'list');
    expect(listed.stdout).not.toMatch(/grace@example\.org|friend@example\.org|popular@example\.org/);
  });
});

describe('the archive', () => {
  it('lists the articles of a language newest first, with an Atom feed, and counts suggestions without keeping addresses', async () => {
    await upload(local.stack, 'documents/harbour/en.md', fixtureDocument('markdown/harbour-forum.en.md'));
    const index = await waitFor('the second article in the archive', async () => {
      const page = await (await fetch(`${web()}archive/en`)).text();
      return page.includes('Foreign Minister Opens the Harbour Cities Forum') && page;
    });
    expect(index.indexOf('Spokesperson Comments on the Grain Corridor Agreement')).toBeLessThan(
      index.indexOf('Foreign Minister Opens the Harbour Cities Forum'),
    );
    const feed = await fetch(`${web()}archive/en/feed.atom`);
    expect(feed.headers.get('content-type')).toContain('application/atom+xml');
    const xml = await feed.text();
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">');
    expect(xml).toContain(`<link href="${web()}articles/grain-corridor/en"/>`);

    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { dynamoDocumentClient } = await import('#adapters/clients.ts');
    const { Item } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: local.stack.config.table,
        Key: { pk: 'ART#grain-corridor', sk: 'SUGGESTIONS' },
      }),
    );
    expect(Item?.suggestions).toBeGreaterThan(3);
    expect(JSON.stringify(Item)).not.toMatch(/@/);
  });
});
