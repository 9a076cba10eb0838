import type { Digest } from '#core/digests/digest.ts';
import { personalize } from '#core/digests/personalize.ts';
import { type RenderSettings, renderDigest } from '#core/digests/render-digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import { LANGUAGES, type Language } from '#core/i18n/languages.ts';
import { formatMessage, loadMessages } from '#core/i18n/messages.ts';
import { fillMail } from '#core/mail/fill.ts';
import type { TemplateSource } from '#core/mail/ports.ts';
import { type MailTemplate, renderMail } from '#core/mail/render-mail.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { neutralize } from '#core/suggestions/neutralize.ts';

interface SampleSet {
  readonly articles: ReadonlyArray<{
    articleId: string;
    title: string;
    published: string;
    summary: string;
    paragraphs: string[];
  }>;
  readonly senderName: string;
  readonly note: string;
}

/** Sample article versions of a language (from templates/samples.json), `count` of them, cycling. */
export async function sampleArticles(
  templates: TemplateSource,
  lang: Language,
  count = 2,
): Promise<ArticleVersion[]> {
  const samples = JSON.parse(await templates.read('samples.json')) as Record<Language, SampleSet>;
  return Array.from({ length: count }, (_, i) => {
    const sample = samples[lang].articles[i % samples[lang].articles.length]!;
    return {
      format: 'page',
      lang,
      title: sample.title,
      published: sample.published,
      paragraphs: sample.paragraphs,
      bodyHtml: '',
      otherLanguages: LANGUAGES.filter((l) => l !== lang),
      topics: [],
      archiveOnly: false,
      articleId: i < samples[lang].articles.length ? sample.articleId : `${sample.articleId}-${i}`,
      summary: sample.summary,
      sourceKey: `documents/${sample.articleId}/${lang}.txt`,
      contentHash: `sample-${i}`,
      timeZone: 'UTC',
      ingestedAt: '2026-01-01T00:00:00.000Z',
    };
  });
}

export interface Sample {
  readonly template: MailTemplate;
  readonly lang: Language;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * A template rendered with sample data and sample personal links, as a reader would get it: for the
 * preview page, the browser tests and `herald preview`.
 */
export async function renderSample(
  templates: TemplateSource,
  template: MailTemplate,
  lang: Language,
  settings: RenderSettings,
  articleCount = 2,
): Promise<Sample> {
  const base = settings.publicBaseUrl;
  const links = {
    unsubscribeUrl: pageUrl(base, 'unsubscribe?t=sample'),
    preferencesUrl: pageUrl(base, 'preferences?t=sample'),
    confirmUrl: pageUrl(base, 'confirm?t=sample'),
    neverSuggestUrl: pageUrl(base, 'suggestions/stop?t=sample'),
  };
  const articles = await sampleArticles(templates, lang, articleCount);
  if (template === 'digest') {
    const digest: Digest = { id: `d_sample${lang}`, cadence: 'immediate', lang, articles };
    const rendered = await renderDigest(digest, templates, settings, (id) =>
      articles.filter((a) => a.articleId === id),
    );
    return { template, lang, ...personalize(rendered, links) };
  }
  const messages = await loadMessages(templates, lang);
  const t = (key: string, values: Record<string, string> = {}) =>
    formatMessage(messages, lang, key, { publisher: settings.publisher, ...values });
  const samples = JSON.parse(await templates.read('samples.json')) as Record<Language, SampleSet>;
  const frame = { lang, publisher: settings.publisher, postalAddress: settings.postalAddress };
  const article = articles[0]!;
  if (template === 'confirmation') {
    const mail = await renderMail(templates, template, frame, {}, ['confirmUrl']);
    return { template, lang, ...fillMail(mail, t('confirmSubject'), t('confirmHeading'), links) };
  }
  if (template === 'welcome') {
    const reason = t('whyReceived', { language: t('languageName') });
    const mail = await renderMail(templates, template, { ...frame, footerReason: reason }, {}, [
      'unsubscribeUrl',
      'preferencesUrl',
    ]);
    return { template, lang, ...fillMail(mail, t('welcomeSubject'), t('welcomeHeading'), links) };
  }
  if (template === 'link') {
    const data = { heading: t('dataSubject'), body: t('dataBody'), button: t('dataButton') };
    const mail = await renderMail(templates, template, frame, data, ['actionUrl']);
    return {
      template,
      lang,
      ...fillMail(mail, t('dataSubject'), t('dataBody'), { actionUrl: pageUrl(base, 'my-data?t=sample') }),
    };
  }
  const { senderName, note } = samples[lang];
  const mail = await renderMail(
    templates,
    template,
    frame,
    {
      senderName: neutralize(senderName),
      note: neutralize(note),
      article: {
        title: article.title,
        summary: article.summary,
        url: articleUrl(base, article.articleId, lang),
      },
    },
    ['neverSuggestUrl'],
  );
  return {
    template,
    lang,
    ...fillMail(mail, t('suggestSubject'), article.title, links),
  };
}
