/// <reference lib="dom" />
import { type Browser, devices, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { LANGUAGES, type Language } from '#core/i18n/languages.ts';
import { signToken } from '#core/tokens.ts';
import { hasChromium, launchChromium, screenshot } from '../support/browser.ts';
import { fixtureDocument } from '../support/documents.ts';
import {
  addReader,
  stackIdFor,
  stackTokenKeys,
  upload,
  useLocalStack,
  waitFor,
} from '../support/local-stack.ts';

// Every public page kind, in the six languages, as a phone shows it (Playwright's Pixel 5: 393 px wide,
// touch, a mobile viewport): nothing wider than the screen, the heading on the first screen, the
// document's language and direction right.
const local = useLocalStack();
const web = () => local.stack.config.endpoints.web;
const PHONE = devices['Pixel 5'];
let browser: Browser;
const digests = new Map<Language, string>();

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await launchChromium();
  for (const lang of LANGUAGES) await addReader(local.stack, `phone-${lang}@example.org`, lang);
  for (const lang of LANGUAGES)
    await upload(
      local.stack,
      `documents/grain/${lang}.md`,
      fixtureDocument(`markdown/grain-corridor.${lang}.md`),
    );
  const store = new AwsDigestStore(local.stack.config.table, local.stack.config.bucket);
  await waitFor(
    'a digest planned (so rendered) in every language',
    async () => {
      for (const record of await store.listRecords(50))
        if (record.planComplete) digests.set(record.lang, record.id);
      return LANGUAGES.every((lang) => digests.has(lang));
    },
    60_000,
  );
});
afterAll(() => browser?.close());

/** What a phone must show of every page. */
async function onThePhone(page: Page, lang: Language, name: string) {
  const facts = await page.evaluate(() => {
    const heading = document.querySelector('h1');
    const box = heading?.getBoundingClientRect();
    return {
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      headingTop: box?.top ?? Number.NaN,
      headingBottom: box?.bottom ?? Number.NaN,
    };
  });
  const where = `${name} (${lang})`;
  expect([facts.lang, facts.dir], where).toEqual([lang, lang === 'ar' ? 'rtl' : 'ltr']);
  // The layout viewport is the phone's own width (a too-wide element would widen it), and no page
  // scrolls sideways.
  expect(facts.innerWidth, where).toBe(PHONE.viewport.width);
  expect(facts.scrollWidth, where).toBeLessThanOrEqual(facts.innerWidth);
  expect(facts.headingTop, where).toBeGreaterThanOrEqual(0);
  expect(facts.headingBottom, where).toBeLessThanOrEqual(facts.innerHeight);
  await screenshot(page, `phone-${name}-${lang}`);
}

describe.skipIf(!hasChromium)('(needs Chromium) every public page on a phone', () => {
  it.each(LANGUAGES)(
    'in %s',
    async (lang) => {
      const context = await browser.newContext({ ...PHONE });
      const page = await context.newPage();
      const keys = stackTokenKeys();
      const id = stackIdFor(`phone-${lang}@example.org`);
      const soon = new Date(Date.now() + 600_000);
      const token = (purpose: Parameters<typeof signToken>[1], subject = id, expires?: Date) =>
        encodeURIComponent(signToken(keys, purpose, subject, expires));
      const visit = async (path: string, name: string) => {
        const response = await page.goto(`${web()}${path}`);
        expect(response?.status(), `${name} (${lang})`).toBeLessThan(500);
        await onThePhone(page, lang, name);
      };
      try {
        await visit(`?lang=${lang}`, 'home');
        await visit(`subscribe?lang=${lang}`, 'subscribe');
        await page.fill('input[name=email]', `new-phone-${lang}@example.org`);
        await page.click('button[type=submit]');
        await page.waitForSelector('[role=status]', { timeout: 20_000 });
        await onThePhone(page, lang, 'subscribe-sent');

        await visit(`articles/grain-corridor/${lang}`, 'article');
        await visit(`articles/grain-corridor/${lang}?view=print`, 'print');
        await visit(`archive/${lang}`, 'archive');
        await visit(`digests/${digests.get(lang)}`, 'digest');
        await visit(`preferences?t=${token('preferences')}`, 'preferences');
        await visit(`erase?t=${token('erase', id, soon)}`, 'erase');
        await visit(
          `suggestions/stop?t=${token('never-suggest', 'a'.repeat(64))}&lang=${lang}`,
          'no-suggestions',
        );
        await page.click('button[type=submit]');
        await onThePhone(page, lang, 'no-suggestions-done');

        // A pending reader's confirmation page, and what follows the button.
        const store = new DynamoSubscriberStore(local.stack.config.table);
        const reader = (await store.get(id))!;
        await store.put({ ...reader, status: 'pending' });
        await visit(`confirm?t=${token('confirm', id, soon)}&lang=${lang}`, 'confirm');
        await page.click('button[type=submit]');
        await onThePhone(page, lang, 'confirmed');

        await visit(`unsubscribe?t=${token('unsubscribe')}`, 'unsubscribe');
        await page.click('button[type=submit]');
        await onThePhone(page, lang, 'unsubscribed');
        await page.click('button[type=submit]');
        await onThePhone(page, lang, 'resubscribed');
        await visit(`confirm?t=not-a-token&lang=${lang}`, 'link-not-valid');
      } finally {
        await context.close();
      }
    },
    120_000,
  );
});
