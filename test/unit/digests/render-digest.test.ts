import { describe, expect, it } from 'vitest';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import type { Digest } from '#core/digests/digest.ts';
import { personalize } from '#core/digests/personalize.ts';
import { renderDigest } from '#core/digests/render-digest.ts';
import { versionFromFixture } from '../../support/articles.ts';

const templates = new FileTemplateSource();
const settings = { publisher: 'Press Office', publicBaseUrl: 'https://news.example.org/' };
const noValues = {
  unsubscribeUrl: 'https://news.example.org/unsubscribe?t=x',
  preferencesUrl: 'https://news.example.org/preferences?t=x',
};
const digestOf = (...names: string[]): Digest => {
  const articles = names.map((name) => versionFromFixture(name));
  return { id: 'd_test', cadence: 'immediate', lang: articles[0]!.lang, articles };
};

describe('rendering a digest once', () => {
  it('carries the article title as subject and in both the HTML and the text part', async () => {
    const rendered = await renderDigest(digestOf('en-state-visit.txt'), templates, settings);
    const title = 'Spokesperson Announces State Visit of the President of Chile';
    expect(personalize(rendered, noValues).html).toContain(`<title>${title}</title>`);
    expect(personalize(rendered, noValues).subject).toBe(title);
    expect(rendered.html).toContain(title);
    expect(personalize(rendered, noValues).text).toContain(
      'At the invitation of the President, the President of the Republic of Chile',
    );
    expect(personalize(rendered, noValues).text).toContain('Press Office');
  });

  it('names the count in the subject when it carries several articles', async () => {
    const digest = digestOf('en-state-visit.txt');
    const two = { ...digest, articles: [...digest.articles, { ...digest.articles[0]!, articleId: 'other' }] };
    expect(personalize(await renderDigest(two, templates, settings), noValues).subject).toBe(
      'Press Office: 2 new articles',
    );
  });

  it('sets the language and direction on the document: Arabic is right to left', async () => {
    const rendered = await renderDigest(digestOf('ar-state-visit.txt'), templates, settings);
    expect(rendered.html).toMatch(/<html lang="ar" dir="rtl"/);
    expect(personalize(rendered, noValues).text).toContain('إلغاء الاشتراك');
  });

  it('localizes the footer and the date', async () => {
    const rendered = await renderDigest(digestOf('fr-senegal.txt'), templates, settings);
    expect(personalize(rendered, noValues).text).toContain('Se désabonner');
    expect(personalize(rendered, noValues).text).toContain('2 avril 2026');
  });

  it('shows markup in a document as harmless visible text', async () => {
    const digest = digestOf('en-state-visit.txt');
    const hostile = {
      ...digest,
      articles: [{ ...digest.articles[0]!, title: '<script>alert(1)</script><mj-raw>x</mj-raw>' }],
    };
    const rendered = await renderDigest(hostile, templates, settings);
    expect(rendered.html).not.toContain('<script>alert(1)');
    expect(rendered.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(personalize(rendered, noValues).text).toContain('<script>alert(1)</script>');
  });
});

describe('personalizing a rendered digest', () => {
  it("puts each recipient's unsubscribe link in the HTML and the text, and nothing of another's", async () => {
    const rendered = await renderDigest(digestOf('en-state-visit.txt'), templates, settings);
    const a = personalize(rendered, {
      ...noValues,
      unsubscribeUrl: 'https://news.example.org/unsubscribe?t=AAA',
    });
    const b = personalize(rendered, {
      ...noValues,
      unsubscribeUrl: 'https://news.example.org/unsubscribe?t=BBB',
    });
    expect(a.html).toContain('href="https://news.example.org/unsubscribe?t=AAA"');
    expect(a.text).toContain('https://news.example.org/unsubscribe?t=AAA');
    expect(b.html).not.toContain('t=AAA');
    expect(a.html).not.toContain(rendered.markers.unsubscribeUrl);
  });

  it('cannot be steered by document text that imitates a marker', async () => {
    const digest = digestOf('en-state-visit.txt');
    const sneaky = {
      ...digest,
      articles: [{ ...digest.articles[0]!, title: 'herald-000000000000000000000000-unsubscribeUrl' }],
    };
    const rendered = await renderDigest(sneaky, templates, settings);
    const mail = personalize(rendered, { ...noValues, unsubscribeUrl: 'https://x.example/u' });
    expect(mail.subject).toBe('herald-000000000000000000000000-unsubscribeUrl');
    expect(mail.html.split('https://x.example/u').length - 1).toBe(1);
  });
});
