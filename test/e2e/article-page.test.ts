/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, axeViolations, hasChromium, launchChromium, screenshot } from '../support/browser.ts';
import { fixtureDocument } from '../support/documents.ts';
import { mailTo, upload, useLocalStack, waitFor } from '../support/local-stack.ts';

const local = useLocalStack();
let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
  await upload(local.stack, 'documents/harbour/fr.md', fixtureDocument('markdown/harbour-forum.fr.md'));
  await upload(local.stack, 'documents/harbour/ar.html', fixtureDocument('html/harbour-forum.ar.html'));
  await waitFor(
    'the articles',
    async () => (await fetch(`${local.stack.config.endpoints.web}articles/harbour-forum/ar`)).status === 200,
  );
});
afterAll(() => browser?.close());

const articleUrl = (lang: string) => `${local.stack.config.endpoints.web}articles/harbour-forum/${lang}`;

describe.skipIf(!hasChromium)('(needs Chromium) the article page', () => {
  it('lets a reader suggest the article to a friend: the proof is solved in the page and the friend gets the mail', async () => {
    const page = await browser.newPage({ bypassCSP: false });
    try {
      await page.goto(articleUrl('fr'));
      await page.fill('#senderName', 'Claire Dupont');
      await page.fill('#senderEmail', 'claire@example.fr');
      await page.fill('#friendEmail1', 'ami@example.org');
      await page.fill('#note', 'Lis ceci : https://evil.example/x');
      await page.waitForFunction(
        () => Boolean((document.querySelector('input[name="altcha"]') as HTMLInputElement | null)?.value),
        null,
        {
          timeout: 30_000,
        },
      );
      await page.click('#suggest button[type=submit]');
      await page.waitForSelector('text=Merci. Votre suggestion est en route.');
      const [mail] = await waitFor('the suggestion', async () => {
        const mails = await mailTo(local.stack, 'ami@example.org');
        return mails.length > 0 && mails;
      });
      expect(mail!.from).toBe('Herald <digest@herald.example.org>');
      expect(mail!.subject).toBe('On vous suggère un article de Herald');
      expect(mail!.body.html).toContain('le nom « Claire Dupont »');
      expect(mail!.body.html).toContain(`href="${articleUrl('fr')}"`);
      expect(mail!.body.html).not.toContain('href="https://evil.example');
    } finally {
      await page.close();
    }
  });

  it('has no serious accessibility finding on the article, its form, or the index, in either direction', async () => {
    const page = await browser.newPage({ bypassCSP: true });
    try {
      for (const [url, name] of [
        [articleUrl('fr'), 'article-fr'],
        [articleUrl('ar'), 'article-ar'],
        [`${local.stack.config.endpoints.web}archive/fr`, 'archive-fr'],
      ] as const) {
        await page.goto(url);
        const violations = await axeViolations(page, ['serious', 'critical']);
        expect(
          violations.map((v) => `${v.id}: ${v.help}`),
          name,
        ).toEqual([]);
        await screenshot(page, name);
      }
      await page.goto(articleUrl('ar'));
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    } finally {
      await page.close();
    }
  });

  it('prints cleanly: the PDF holds the title and body, and none of the form or navigation', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${articleUrl('fr')}?view=print`);
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4' });
      const file = new URL('article-fr.pdf', ARTIFACTS).pathname;
      await writeFile(file, pdf);
      const { stdout: text } = await promisify(execFile)('pdftotext', ['-layout', file, '-']);
      const words = text.replace(/\s+/g, ' ');
      expect(words).toContain('Le ministre des Affaires étrangères ouvre le Forum des villes portuaires');
      expect(words).toContain('quarante ports');
      expect(words).not.toMatch(/Suggérer cet article|Envoyer la suggestion|Votre nom|Aussi en/);
    } finally {
      await page.close();
    }
  });
});
