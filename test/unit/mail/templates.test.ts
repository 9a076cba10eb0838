import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { personalize } from '#core/digests/personalize.ts';
import { renderDigest } from '#core/digests/render-digest.ts';
import { LANGUAGES } from '#core/i18n/languages.ts';
import { formatMessage, MissingMessageError } from '#core/i18n/messages.ts';
import { MAIL_TEMPLATES } from '#core/mail/render-mail.ts';
import { renderSample, sampleArticles } from '#core/mail/samples.ts';

const templates = new FileTemplateSource();
const settings = {
  publisher: 'Press Office',
  publicBaseUrl: 'https://news.example.org/',
  postalAddress: '1 Harbour Road, Port City',
};
const strings = Object.fromEntries(
  LANGUAGES.map((lang) => [
    lang,
    JSON.parse(readFileSync(new URL(`../../../templates/strings/${lang}.json`, import.meta.url), 'utf8')),
  ]),
) as Record<string, Record<string, string>>;

describe('message files', () => {
  it('hold the same strings in all six languages', () => {
    const english = Object.keys(strings.en!).sort();
    for (const lang of LANGUAGES) expect(Object.keys(strings[lang]!).sort(), lang).toEqual(english);
  });

  it('hold every string a template asks for', () => {
    const dir = new URL('../../../templates/', import.meta.url);
    const sources = [
      ...readdirSync(dir).filter((f) => f.endsWith('.mjml')),
      ...readdirSync(new URL('partials/', dir)).map((f) => `partials/${f}`),
    ];
    const used = new Set(
      sources.flatMap((file) =>
        [...readFileSync(new URL(file, dir), 'utf8').matchAll(/\{\{t "(\w+)"/g)].map((m) => m[1]!),
      ),
    );
    for (const key of used) expect(strings.en, `templates use "${key}"`).toHaveProperty(key);
  });

  it('make a missing string fail loudly instead of sending a blank', () => {
    expect(() => formatMessage({}, 'fr', 'nothing')).toThrow(MissingMessageError);
  });
});

describe.each(LANGUAGES)('every template in %s', (lang) => {
  it.each(MAIL_TEMPLATES)(
    '%s renders under strict MJML validation, fully filled, in the right language and direction',
    async (template) => {
      const sample = await renderSample(templates, template, lang, settings);
      expect(sample.html).toMatch(new RegExp(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"`));
      expect(sample.html).not.toMatch(/herald-[0-9a-f]{24}|\{\{|\{[a-z]+\}/);
      expect(sample.text).not.toMatch(/herald-[0-9a-f]{24}|\{[a-z]+\}/);
      expect(sample.html).toContain(`<title>${sample.subject.replaceAll("'", '&#x27;')}</title>`);
      expect(sample.html).toContain('1 Harbour Road, Port City');
      expect(sample.text.length).toBeGreaterThan(100);
    },
  );
});

describe('the digest', () => {
  it('carries in its footer the unsubscribe and preference links, why the reader gets it, and the postal address', async () => {
    const { html, text } = await renderSample(templates, 'digest', 'en', settings);
    expect(html).toContain('href="https://news.example.org/unsubscribe?t=sample"');
    expect(html).toContain('href="https://news.example.org/preferences?t=sample"');
    const words = text.replace(/\s+/g, ' ');
    expect(words).toContain(
      'You receive this mail because you subscribed to Press Office updates in English.',
    );
    expect(words).toContain('1 Harbour Road, Port City');
  });

  it('gives each article Read more, Suggest to a friend and Print links to its web version, and a View in browser link', async () => {
    const html = (await renderSample(templates, 'digest', 'es', settings)).html.replaceAll('&#x3D;', '=');
    expect(html).toContain('href="https://news.example.org/articles/harbour-forum/es"');
    expect(html).toContain('href="https://news.example.org/articles/harbour-forum/es#suggest"');
    expect(html).toContain('href="https://news.example.org/articles/harbour-forum/es?view=print"');
    expect(html).toMatch(/href="https:\/\/news\.example\.org\/digests\/d_samplees"[^>]*>Ver en el navegador/);
  });

  it('keeps a 10-article digest well under the 102 KB at which Gmail clips', async () => {
    for (const lang of LANGUAGES) {
      const { html } = await renderSample(templates, 'digest', lang, settings, 10);
      expect(Buffer.byteLength(html), lang).toBeLessThan(102 * 1024);
    }
  });

  it('carries at most the configured number of articles and links the rest from the archive', async () => {
    const articles = await sampleArticles(templates, 'fr', 12);
    const rendered = await renderDigest({ id: 'd_many', cadence: 'daily', lang: 'fr', articles }, templates, {
      ...settings,
      maxArticles: 10,
    });
    expect(rendered.articles).toHaveLength(10);
    const { html, subject } = personalize(rendered, {
      unsubscribeUrl: 'https://x.example/u',
      preferencesUrl: 'https://x.example/p',
    });
    expect(subject).toBe('Press Office : votre sélection du jour');
    expect(html).toMatch(
      /href="https:\/\/news\.example\.org\/archive\/fr"[^>]*>2 autres articles dans les archives/,
    );
  });
});
