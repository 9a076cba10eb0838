import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { env } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage } from '#core/i18n/languages.ts';
import { formatPublished } from '#core/i18n/messages.ts';
import { archiveFeed } from '#core/pages/feed.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { html } from '#handlers/shared/http.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';
import { pagesFromEnv } from '#handlers/shared/site.ts';

const site = pagesFromEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_TIME_ZONE: env.HERALD_TIME_ZONE,
});
const { config, publisher } = site;
const baseUrl = config.HERALD_PUBLIC_BASE_URL;
const articles = new DynamoArticleStore(config.HERALD_TABLE);

/** `GET /archive/<lang>`: the articles of a language, newest first — browsable without subscribing. */
export const handler = httpHandler(
  'archive',
  async (event) => {
    const match = /^\/archive\/([a-z]{2})(\/feed\.atom)?\/?$/.exec(event.rawPath);
    const lang = match?.[1];
    if (!isLanguage(lang)) throw new HttpError(404, 'the archive exists in en, zh, fr, es, ru and ar');
    const t = await site.messagesFor(lang);
    const title = `${publisher} — ${t('languageName')}`;
    const list = await articles.listArchive(lang, 100);
    if (match?.[2]) {
      const timeZone = config.HERALD_TIME_ZONE;
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/atom+xml; charset=utf-8' },
        body: archiveFeed({ baseUrl, publisher, timeZone, lang, title, articles: list }),
      };
    }
    const latest = list.map((a) => ({
      href: articleUrl(baseUrl, a.articleId, a.lang),
      title: a.title,
      published: a.published,
      date: formatPublished(a.published, lang),
    }));
    const feedUrl = pageUrl(baseUrl, `archive/${lang}/feed.atom`);
    return html(200, await site.pages('archive', { lang, t, title, latest, feedUrl }));
  },
  {
    errorPage: (status, message) =>
      site.pages('message', {
        lang: 'en',
        title: status === 404 ? 'Not found' : 'Error',
        paragraphs: [message],
      }),
  },
);
