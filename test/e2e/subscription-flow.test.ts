/// <reference lib="dom" />

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { axeViolations, hasChromium, launchChromium, screenshot } from '../support/browser.ts';
import { mailTo, stackIdFor, useLocalStack, waitFor } from '../support/local-stack.ts';

const local = useLocalStack();
let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
});
afterAll(() => browser?.close());

const linkIn = (html: string, path: string) =>
  [...html.matchAll(/href="([^"]+)"/g)]
    .map((m) => m[1]!.replaceAll('&amp;', '&').replaceAll('&#x3D;', '='))
    .find((href) => href.includes(path))!;

/** Checks what every page must be: in the reader's language and direction, with no serious accessibility finding. */
async function checkPage(page: Page, lang: string, name: string) {
  expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
    lang,
    lang === 'ar' ? 'rtl' : 'ltr',
  ]);
  const violations = await axeViolations(page, ['serious', 'critical']);
  expect(
    violations.map((v) => `${v.id}: ${v.help}`),
    name,
  ).toEqual([]);
  await screenshot(page, `flow-${lang}-${name}`);
}

async function flow(lang: 'fr' | 'ar', email: string) {
  // bypassCSP lets axe-core be injected; the pages' own CSP allows only Herald's own scripts.
  const page = await browser.newPage({ viewport: { width: 375, height: 800 }, bypassCSP: true });
  try {
    await page.goto(`${local.stack.config.endpoints.web}subscribe?lang=${lang}`);
    await checkPage(page, lang, 'subscribe');
    await page.fill('input[name=email]', email);
    await page.check('input[name=cadence][value=immediate]');
    // The form solves its proof of work when sent, then goes: the reader waits a moment, nothing more.
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=status]', { timeout: 20_000 });
    expect(await page.locator('[role=status]').count()).toBe(1);
    await checkPage(page, lang, 'subscribed');

    const [confirmation] = await waitFor('the confirmation mail', async () => {
      const mails = await mailTo(local.stack, email);
      return mails.length > 0 && mails;
    });
    await page.goto(linkIn(confirmation!.body.html!, '/confirm?t='));
    await checkPage(page, lang, 'confirm');
    const store = new DynamoSubscriberStore(local.stack.config.table);
    expect((await store.get(stackIdFor(email)))?.status).toBe('pending');
    await page.click('button[type=submit]');
    await checkPage(page, lang, 'confirmed');
    expect((await store.get(stackIdFor(email)))?.status).toBe('confirmed');

    const welcome = await waitFor('the welcome mail', async () =>
      (await mailTo(local.stack, email)).find((m) => m.messageId !== confirmation!.messageId),
    );
    await page.goto(linkIn(welcome.body.html!, '/preferences?t='));
    await checkPage(page, lang, 'preferences');
    await page.check('input[name=cadence][value=weekly]');
    await page.locator('form').first().locator('button[type=submit]').click();
    expect((await store.get(stackIdFor(email)))?.cadence).toBe('weekly');

    await page.goto(linkIn(welcome.body.html!, '/unsubscribe?t='));
    await checkPage(page, lang, 'unsubscribe');
    await page.click('button[type=submit]');
    expect((await store.get(stackIdFor(email)))?.status).toBe('unsubscribed');
    await checkPage(page, lang, 'unsubscribed');
    await page.click('button[type=submit]');
    expect((await store.get(stackIdFor(email)))?.status).toBe('confirmed');
    await checkPage(page, lang, 'undone');
  } finally {
    await page.close();
  }
}

describe.skipIf(!hasChromium)('(needs Chromium) a reader in the browser', () => {
  it('subscribes in French, confirms from the mail, switches to weekly, unsubscribes and undoes it', async () => {
    await flow('fr', 'lectrice@example.fr');
  });

  it('does the same in Arabic, on right-to-left pages', async () => {
    await flow('ar', 'qari@example.org');
  });
});
