import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import type { LocalStack } from '#local/stack.ts';
import { fixturePage } from '../support/fixtures.ts';
import {
  addReader,
  header,
  mailTo,
  startTestStack,
  tempHome,
  upload,
  waitFor,
} from '../support/local-stack.ts';

let stack: LocalStack;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const { home, remove } = await tempHome();
  stack = await startTestStack(home);
  cleanup = async () => {
    await stack.stop();
    await remove();
  };
});
afterAll(() => cleanup?.());

/** Waits until the sender has gone quiet, so "exactly one" also means "and no more coming". */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

describe('a document dropped into the bucket', () => {
  it('reaches each confirmed English reader exactly once, with one-click unsubscribe, and no French reader', async () => {
    const readers = ['ada@example.org', 'ben@example.org'];
    for (const email of readers) await addReader(stack, email, 'en');
    await addReader(stack, 'weekly@example.org', 'en', 'weekly');
    await addReader(stack, 'claire@example.fr', 'fr');

    await upload(stack, 'documents/state-visit/en.txt', fixturePage('en-state-visit.txt'));

    for (const email of readers)
      await waitFor(`a digest for ${email}`, async () => (await mailTo(stack, email)).length > 0);
    await settle();
    for (const email of readers) {
      const mails = await mailTo(stack, email);
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail!.subject).toBe('Spokesperson Announces State Visit of the President of Chile');
      expect(mail!.body.html).toContain('Spokesperson Announces State Visit of the President of Chile');
      expect(mail!.body.text).toContain('During the visit, the two sides');
      expect(header(mail!, 'List-Unsubscribe')).toMatch(
        /^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?t=[\w.-]+>$/,
      );
      expect(header(mail!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    }
    expect(await mailTo(stack, 'claire@example.fr')).toHaveLength(0);
    expect(await mailTo(stack, 'weekly@example.org')).toHaveLength(0);
  });

  it('is ignored outside the documents prefix', async () => {
    await addReader(stack, 'outside@example.org', 'en');
    await upload(stack, 'drafts/en.txt', fixturePage('en-state-visit.txt'));
    await settle();
    expect(await mailTo(stack, 'outside@example.org')).toHaveLength(0);
  });
});

describe('one-click unsubscribe', () => {
  it('answers a GET with a page and changes nothing; a one-click POST stops the next digest', async () => {
    const leaving = await addReader(stack, 'leaving@example.org', 'en');
    await addReader(stack, 'staying@example.org', 'en');
    await upload(
      stack,
      'documents/chile/en.txt',
      fixturePage('en-state-visit.txt').toString().replace('Chile', 'Peru'),
    );
    const [mail] = await waitFor('the first digest', async () => {
      const mails = await mailTo(stack, 'leaving@example.org');
      return mails.length > 0 && mails;
    });
    const url = header(mail!, 'List-Unsubscribe')!.slice(1, -1);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Unsubscribe</button>');
    const store = new DynamoSubscriberStore(stack.config.table);
    expect((await store.get(leaving.id))?.status).toBe('confirmed');

    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const posted = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
    expect(posted.status).toBe(200);
    expect((await store.get(leaving.id))?.status).toBe('unsubscribed');

    await upload(
      stack,
      'documents/senegal/en.txt',
      fixturePage('en-state-visit.txt').toString().replace('Chile', 'Senegal'),
    );
    await waitFor(
      'the next digest for the reader who stayed',
      async () => (await mailTo(stack, 'staying@example.org')).length === 2,
    );
    await settle();
    expect(await mailTo(stack, 'leaving@example.org')).toHaveLength(1);
  });

  it('refuses a forged token with a 400 that says the link is not valid', async () => {
    const response = await fetch(`${stack.config.endpoints.web}unsubscribe?t=k1.s_000.x.forged`, {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('the link is not valid');
  });
});
