import { DIGEST_FIELDS, type Digest, type RenderedDigest } from '#core/digests/digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import { directionOf } from '#core/i18n/languages.ts';
import { formatMessage, formatPublished, loadMessages, nativeLanguageName } from '#core/i18n/messages.ts';
import type { TemplateSource } from '#core/mail/ports.ts';
import { renderMail, TemplateError } from '#core/mail/render-mail.ts';
import { textPart } from '#core/mail/text-part.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';

export { TemplateError };

export interface RenderSettings {
  readonly publisher: string;
  readonly publicBaseUrl: string;
  readonly postalAddress?: string;
  /** At most this many articles in one mail; the rest are linked from the archive. */
  readonly maxArticles?: number;
}

export const DEFAULT_MAX_ARTICLES = 10;

/** The neutral web version of a digest: no reader's token, safe to forward. */
export const digestWebUrl = (base: string, digestId: string) => pageUrl(base, `digests/${digestId}`);

/**
 * Renders a digest once for all its recipients, with its text part made from the same HTML article by
 * article (so a withdrawn article can be left out at send time). Each article shows its title, date,
 * summary, "Read more", "Suggest to a friend" and "Print" links and its other language versions; an
 * article not in the digest's language is marked as such.
 *
 * `versionsOf` gives every stored version of an article, for the links to the other languages.
 */
export async function renderDigest(
  digest: Digest,
  templates: TemplateSource,
  settings: RenderSettings,
  versionsOf: (articleId: string) => readonly ArticleVersion[] = () => [],
): Promise<RenderedDigest> {
  const { lang } = digest;
  const max = settings.maxArticles ?? DEFAULT_MAX_ARTICLES;
  const shown = digest.articles.slice(0, max);
  const segment = `article-${digest.id}`;
  const base = settings.publicBaseUrl;
  const languageOf = (code: string) => new Intl.DisplayNames([lang], { type: 'language' }).of(code) ?? code;

  const messages = await loadMessages(templates, lang);
  const { nonce: _nonce, ...mail } = await renderMail(
    templates,
    'digest',
    {
      lang,
      publisher: settings.publisher,
      postalAddress: settings.postalAddress,
      webVersionUrl: digestWebUrl(base, digest.id),
      footerReason: formatMessage(messages, lang, 'whyReceived', {
        publisher: settings.publisher,
        language: formatMessage(messages, lang, 'languageName'),
      }),
    },
    {
      articles: shown.map((article, index) => {
        const url = articleUrl(base, article.articleId, article.lang);
        return {
          segmentStart: `herald-${segment}-${index}-start`,
          segmentEnd: `herald-${segment}-${index}-end`,
          lang: article.lang,
          dir: directionOf(article.lang),
          align: directionOf(article.lang) === 'rtl' ? 'right' : 'left',
          foreign: article.lang !== lang,
          foreignNote: formatMessage(messages, lang, 'onlyInLanguage', {
            language: languageOf(article.lang),
          }),
          title: article.title,
          summary: article.summary,
          url,
          readMoreUrl: url,
          suggestUrl: `${url}#suggest`,
          printUrl: `${url}?view=print`,
          published: article.published,
          publishedLabel: formatPublished(article.published, lang),
          otherVersions: versionsOf(article.articleId)
            .filter((v) => v.lang !== article.lang && !v.withdrawnAt)
            .map((v) => ({
              code: v.lang,
              name: nativeLanguageName(v.lang),
              url: articleUrl(base, v.articleId, v.lang),
            })),
        };
      }),
      moreCount: digest.articles.length - shown.length,
      archiveUrl: pageUrl(base, `archive/${lang}`),
    },
    DIGEST_FIELDS,
  );
  const { html } = mail;
  const starts = shown.map((_, i) => html.indexOf(`<!--herald-${segment}-${i}-start-->`));
  const ends = shown.map((_, i) => html.indexOf(`<!--herald-${segment}-${i}-end-->`));
  if ([...starts, ...ends].some((at) => at < 0))
    throw new TemplateError('digest.mjml: an article segment marker is missing');
  return {
    ...mail,
    digestId: digest.id,
    lang,
    articles: shown.map((a) => ({ articleId: a.articleId, lang: a.lang, title: a.title })),
    // The subject for every number of articles that may remain (the sender picks one when some were
    // withdrawn since): plurals are the renderer's work, never the sender's.
    subjects: shown.map((_, index) =>
      formatMessage(
        messages,
        lang,
        digest.cadence === 'immediate' ? 'digestSubjectMany' : `${digest.cadence}Subject`,
        { publisher: settings.publisher, count: index + 1 },
      ),
    ),
    segment: `herald-${segment}`,
    text: {
      head: textPart(html.slice(0, starts[0])),
      articles: starts.map((start, i) => textPart(html.slice(start, ends[i]))),
      foot: textPart(html.slice(ends.at(-1)!)),
    },
  };
}
