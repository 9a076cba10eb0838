/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { LANGUAGES } from '#core/i18n/languages.ts';
import { MAIL_TEMPLATES } from '#core/mail/render-mail.ts';
import { renderSample } from '#core/mail/samples.ts';
import { axeViolations, hasChromium, launchChromium, screenshot } from '../support/browser.ts';

const templates = new FileTemplateSource();
const settings = {
  publisher: 'Press Office',
  publicBaseUrl: 'https://news.example.org/',
  postalAddress: '1 Harbour Road, Port City',
};
let browser: Browser;

beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
});
afterAll(() => browser?.close());

const cases = MAIL_TEMPLATES.flatMap((template) => LANGUAGES.map((lang) => [template, lang] as const));

describe.skipIf(!hasChromium)('(needs Chromium) mail in a real browser', () => {
  it.each(cases)(
    '%s in %s: nothing overflows at 375 px, desktop layout at 600 px, no serious accessibility finding',
    async (template, lang) => {
      const { html } = await renderSample(templates, template, lang, settings, template === 'digest' ? 3 : 1);
      const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
      try {
        await page.setContent(html, { waitUntil: 'load' });
        const phone = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          dir: document.documentElement.dir,
        }));
        expect(phone.scroll).toBeLessThanOrEqual(375);
        expect(phone.dir).toBe(lang === 'ar' ? 'rtl' : 'ltr');
        await screenshot(page, `${template}-${lang}-375`);

        await page.setViewportSize({ width: 800, height: 800 });
        // MJML's desktop layout: the 600 px body table, with columns side by side instead of stacked.
        const desktopWidth = await page.evaluate(() =>
          Math.round(
            document.querySelector('div[style*="max-width:600px"]')?.getBoundingClientRect().width ?? 0,
          ),
        );
        expect(desktopWidth).toBe(600);
        await screenshot(page, `${template}-${lang}-800`);

        const violations = await axeViolations(page, ['serious', 'critical']);
        expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

        await page.emulateMedia({ colorScheme: 'dark' });
        const contrast = await axeViolations(
          page,
          ['minor', 'moderate', 'serious', 'critical'],
          ['color-contrast'],
        );
        expect(contrast.map((v) => `${v.id}: ${v.nodes.length} nodes`)).toEqual([]);
        await screenshot(page, `${template}-${lang}-dark`);
      } finally {
        await page.close();
      }
    },
  );
});
