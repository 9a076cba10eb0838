import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { herald } from '../support/cli.ts';
import { fixtureDocument } from '../support/documents.ts';
import {
  addReader,
  mailTo,
  outbox,
  stackIdFor,
  upload,
  useLocalStack,
  waitFor,
} from '../support/local-stack.ts';

// Read by the subscribe handler when it first loads, in this process.
process.env.HERALD_SUBSCRIBE_PER_CLIENT_PER_HOUR = '10';

const local = useLocalStack();
const api = (body: string, contentType = 'application/json') =>
  fetch(`${local.stack.config.endpoints.web}api/subscribe`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });

describe('POST /api/subscribe refuses hostile input with a 4xx that says what to fix, and sends nothing', () => {
  const cases: Array<[string, string, number, RegExp, string?]> = [
    ['no body', '', 400, /not a JSON object/],
    ['not JSON', '{"email": ', 400, /not a JSON object/],
    ['an array', '[]', 400, /not a JSON object/],
    ['a missing email', '{"language":"en"}', 400, /email is required/],
    ['a missing language', '{"email":"a@example.org"}', 400, /language must be one of/],
    ['a wrong type', '{"email":42,"language":"en"}', 400, /email/],
    [
      'an unknown language',
      '{"email":"a@example.org","language":"de"}',
      400,
      /language must be one of en, zh, fr, es, ru, ar/,
    ],
    [
      'an unknown cadence',
      '{"email":"a@example.org","language":"en","cadence":"hourly"}',
      400,
      /cadence must be immediate, daily or weekly/,
    ],
    [
      'CRLF in the address',
      '{"email":"a@example.org\\r\\nBcc: victim@example.org","language":"en"}',
      400,
      /one line/,
    ],
    ['a non-ASCII local part', '{"email":"jürgen@example.de","language":"de"}', 400, /language/],
    [
      'a non-ASCII local part (valid language)',
      '{"email":"jürgen@example.de","language":"en"}',
      400,
      /ASCII/,
    ],
    ['HTML as the address', '{"email":"<script>alert(1)</script>@x.org","language":"en"}', 400, /ASCII/],
    ['no domain', '{"email":"reader@","language":"en"}', 400, /local part, an "@" and a domain/],
    [
      'an oversize address',
      `{"email":"${'a'.repeat(400)}@example.org","language":"en"}`,
      400,
      /longer than 320/,
    ],
    [
      'an oversize body',
      `{"email":"a@example.org","language":"en","x":"${'y'.repeat(9000)}"}`,
      413,
      /larger than 8192 bytes/,
    ],
    ['unknown fields', '{"email":"a@example.org","language":"en","admin":true}', 400, /Unrecognized key/i],
    [
      'too many topics',
      `{"email":"a@example.org","language":"en","topics":${JSON.stringify(Array.from({ length: 11 }, (_, i) => `t${i}`))}}`,
      400,
      /at most 10 topics/,
    ],
    ['a topic with markup', '{"email":"a@example.org","language":"en","topics":["<b>x</b>"]}', 400, /topic/],
    ['an XML body', '<subscribe/>', 415, /x-www-form-urlencoded or multipart\/form-data/, 'application/xml'],
  ];

  it.each(cases)('%s', async (_what, body, status, message, contentType) => {
    const before = (await outbox(local.stack)).length;
    const response = await api(body, contentType);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect((await outbox(local.stack)).length).toBe(before);
  });
});

describe('subscribing through the API', () => {
  it('answers the same for a new, a pending and a confirmed address, and mails only the new one', async () => {
    await addReader(local.stack, 'known@example.org', 'en');
    const answers = [];
    for (const email of ['new@example.org', 'known@example.org']) {
      const response = await api(JSON.stringify({ email, language: 'en' }));
      answers.push([response.status, await response.json()]);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]![0]).toBe(202);
    await waitFor(
      'the confirmation mail',
      async () => (await mailTo(local.stack, 'new@example.org')).length === 1,
    );
    expect((await mailTo(local.stack, 'new@example.org'))[0]!.subject).toBe(
      'Confirm your subscription to Herald',
    );
    expect(await mailTo(local.stack, 'known@example.org')).toHaveLength(0);
  });

  it('answers 429 with Retry-After once one client has asked too often', async () => {
    let response: Response | undefined;
    for (let i = 0; i < 12; i++) {
      response = await api(JSON.stringify({ email: `flood${i}@example.org`, language: 'en' }));
      if (response.status === 429) break;
    }
    expect(response!.status).toBe(429);
    expect(Number(response!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response!.json()) as { message: string }).message).toMatch(/try again in \d+ minutes/);
  });
});

describe('bounces, complaints and the operator CLI', () => {
  it('suppresses a bounced address so the next digest skips it', async () => {
    await addReader(local.stack, 'bouncy@example.org', 'fr');
    await addReader(local.stack, 'steady@example.org', 'fr');
    const injected = await herald(local.home, 'ses-event', 'bounce', 'bouncy@example.org');
    expect(injected.stdout).toContain('bounce: suppressed');
    await upload(local.stack, 'documents/forum/fr.md', fixtureDocument('markdown/harbour-forum.fr.md'));
    await waitFor(
      'the digest for the steady reader',
      async () => (await mailTo(local.stack, 'steady@example.org')).length === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await mailTo(local.stack, 'bouncy@example.org')).toHaveLength(0);
    const store = new DynamoSubscriberStore(local.stack.config.table);
    expect((await store.get(stackIdFor('bouncy@example.org')))?.status).toBe('suppressed');
  });

  it('imports a CSV, rejecting bad rows with reasons, and is idempotent on a re-run', async () => {
    const csv = path.join(local.home, 'readers.csv');
    await writeFile(
      csv,
      [
        'email,language,cadence,consent,topics',
        'imported1@example.org,en,daily,yes,diplomacy',
        'imported2@example.org,zh,,yes,',
        'not-an-address,en,,yes,',
        'imported3@example.org,de,,yes,',
        'noconsent@example.org,en,,no,',
        'bouncy@example.org,en,,yes,',
      ].join('\n'),
    );
    const first = await herald(local.home, 'subscribers', 'import', csv);
    expect(first.stdout).toContain('2 added; 4 rejected');
    expect(first.stdout).toMatch(/line 4: .*local part/);
    expect(first.stdout).toMatch(/line 5: language "de"/);
    expect(first.stdout).toMatch(/line 6: no consent: pass --confirm-unconsented/);
    expect(first.stdout).toMatch(/line 7: the address is suppressed/);
    const again = await herald(local.home, 'subscribers', 'import', csv);
    expect(again.stdout).toContain('2 updated; 4 rejected');

    const exported = await herald(local.home, 'subscribers', 'export');
    expect(exported.stdout).toMatch(/imported1@example\.org,en,daily,confirmed,diplomacy/);
  });

  it('sends unconsented rows a confirmation mail when asked, and they stay pending', async () => {
    const csv = path.join(local.home, 'unconsented.csv');
    await writeFile(csv, 'email,language,consent\nask-first@example.org,ru,no\n');
    const result = await herald(local.home, 'subscribers', 'import', csv, '--confirm-unconsented');
    expect(result.stdout).toContain('1 pending; 0 rejected');
    const [mail] = await waitFor('the confirmation', async () => {
      const mails = await mailTo(local.stack, 'ask-first@example.org');
      return mails.length > 0 && mails;
    });
    expect(mail!.subject).toBe('Подтвердите подписку на Herald');
  });
});

describe('my data, by a fresh link sent by mail', () => {
  it('downloads what is kept, then erases it; the address cannot be imported again', async () => {
    const reader = await addReader(local.stack, 'mine@example.org', 'es');
    await upload(local.stack, 'documents/grain/es.md', fixtureDocument('markdown/grain-corridor.es.md'));
    const [digest] = await waitFor('a digest', async () => {
      const mails = await mailTo(local.stack, 'mine@example.org');
      return mails.length > 0 && mails;
    });
    const preferences = [
      ...digest!.body.html!.matchAll(/href="([^"]+preferences\?t=[^"]+)"/g),
    ][0]![1]!.replaceAll('&amp;', '&');

    const asked = await fetch(preferences, { method: 'POST', body: new URLSearchParams({ action: 'data' }) });
    expect(await asked.text()).toContain('Hemos enviado un enlace a su dirección.');
    const dataMail = await waitFor('the data link', async () =>
      (await mailTo(local.stack, 'mine@example.org')).find((m) => m.subject === 'Sus datos en Herald'),
    );
    const dataUrl = [...dataMail.body.html!.matchAll(/href="([^"]+my-data\?t=[^"]+)"/g)][0]![1]!;
    const data = await fetch(dataUrl);
    expect(data.headers.get('content-disposition')).toContain('attachment');
    expect(await data.json()).toMatchObject({
      email: 'mine@example.org',
      language: 'es',
      status: 'confirmed',
    });

    await fetch(preferences, { method: 'POST', body: new URLSearchParams({ action: 'erase' }) });
    const eraseMail = await waitFor('the erase link', async () =>
      (await mailTo(local.stack, 'mine@example.org')).find((m) => m.subject === 'Borrar sus datos en Herald'),
    );
    const eraseUrl = [...eraseMail.body.html!.matchAll(/href="([^"]+erase\?t=[^"]+)"/g)][0]![1]!;
    expect((await fetch(eraseUrl)).status).toBe(200);
    const store = new DynamoSubscriberStore(local.stack.config.table);
    expect(await store.get(reader.id)).toBeDefined();
    const erased = await fetch(eraseUrl, { method: 'POST', body: new URLSearchParams({ erase: 'yes' }) });
    expect(await erased.text()).toContain('Sus datos se han borrado.');
    expect(await store.get(reader.id)).toBeUndefined();

    const again = await herald(
      local.home,
      'subscribers',
      'add',
      'mine@example.org',
      '--lang',
      'es',
      '--confirmed',
    );
    expect(again.stderr).toContain('this address is suppressed: it is not re-added');
    expect((await fetch(preferences)).status).toBe(404);
  });
});
