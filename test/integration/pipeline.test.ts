import { describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { fixturePage } from '../support/fixtures.ts';
import { addReader, header, mailTo, upload, useLocalStack, waitFor } from '../support/local-stack.ts';

const local = useLocalStack();

/** Waits until the sender has gone quiet, so "exactly one" also means "and no more coming". */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('a document dropped into the bucket', () => {
  it('reaches each confirmed English reader exactly once, with one-click unsubscribe, and no French reader', async () => {
    const readers = ['ada@example.org', 'ben@example.org'];
    for (const email of readers) await addReader(local.stack, email, 'en');
    await addReader(local.stack, 'weekly@example.org', 'en', 'weekly');
    await addReader(local.stack, 'claire@example.fr', 'fr');

    await upload(local.stack, 'documents/state-visit/en.txt', fixturePage('en-state-visit.txt'));

    for (const email of readers)
      await waitFor(`a digest for ${email}`, async () => (await mailTo(local.stack, email)).length > 0);
    await settle();
    for (const email of readers) {
      const mails = await mailTo(local.stack, email);
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail!.subject).toBe('Spokesperson Announces State Visit of the President of Chile');
      expect(mail!.body.html).toContain('Spokesperson Announces State Visit of the President of Chile');
      expect(mail!.body.text).toContain(
        'At the invitation of the President, the President of the Republic of Chile',
      );
      expect(header(mail!, 'List-Unsubscribe')).toMatch(
        /^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?t=[\w.-]+>$/,
      );
      expect(header(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    }
    expect(await mailTo(local.stack, 'claire@example.fr')).toHaveLength(0);
    expect(await mailTo(local.stack, 'weekly@example.org')).toHaveLength(0);
  });

  it('is ignored outside the documents prefix', async () => {
    await addReader(local.stack, 'outside@example.org', 'en');
    await upload(local.stack, 'drafts/en.txt', fixturePage('en-state-visit.txt'));
    await settle();
    expect(await mailTo(local.stack, 'outside@example.org')).toHaveLength(0);
  });
});

describe('one-click unsubscribe', () => {
  it('answers a GET with a page and changes nothing; a one-click POST stops the next digest', async () => {
    const leaving = await addReader(local.stack, 'leaving@example.org', 'en');
    await addReader(local.stack, 'staying@example.org', 'en');
    await upload(
      local.stack,
      'documents/chile/en.txt',
      fixturePage('en-state-visit.txt').toString().replace('Chile', 'Peru'),
    );
    const [mail] = await waitFor('the first digest', async () => {
      const mails = await mailTo(local.stack, 'leaving@example.org');
      return mails.length > 0 && mails;
    });
    const url = header(mail!, 'List-Unsubscribe')!.slice(1, -1);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Unsubscribe</button>');
    const store = new DynamoSubscriberStore(local.stack.config.table);
    expect((await store.get(leaving.id))?.status).toBe('confirmed');

    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const posted = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
    expect(posted.status).toBe(200);
    expect((await store.get(leaving.id))?.status).toBe('unsubscribed');

    await upload(
      local.stack,
      'documents/senegal/en.txt',
      fixturePage('en-state-visit.txt').toString().replace('Chile', 'Senegal'),
    );
    await waitFor(
      'the next digest for the reader who stayed',
      async () => (await mailTo(local.stack, 'staying@example.org')).length === 2,
    );
    await settle();
    expect(await mailTo(local.stack, 'leaving@example.org')).toHaveLength(1);
  });

  it('refuses a forged token with a 400 that says the link is not valid', async () => {
    const response = await fetch(`${local.stack.config.endpoints.web}unsubscribe?t=k1.s_000.x.forged`, {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('the link is not valid');
  });
});
