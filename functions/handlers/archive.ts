import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { pagesFromEnv } from '#builders/site.ts';
import { env } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage } from '#core/i18n/languages.ts';
import { articleLinks } from '#core/pages/choices.ts';
import { archiveFeed } from '#core/pages/feed.ts';
import { pageUrl } from '#core/pages/urls.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';

const site = pagesFromEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_TIME_ZONE: env.HERALD_TIME_ZONE,
});
const { config, publisher } = site;
const baseUrl = config.HERALD_PUBLIC_BASE_URL;
const articles = new DynamoArticleStore(config.HERALD_TABLE);
const ATOM = { 'content-type': 'application/atom+xml; charset=utf-8' };

/** `GET /archive/<lang>` (and its Atom feed): a language's articles, newest first, without subscribing. */
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
      const feed = { baseUrl, publisher, timeZone: config.HERALD_TIME_ZONE, lang, title, articles: list };
      return { statusCode: 200, headers: ATOM, body: archiveFeed(feed) };
    }
    const feedUrl = pageUrl(baseUrl, `archive/${lang}/feed.atom`);
    return site.pages('archive', { lang, t, title, latest: articleLinks(baseUrl, list, lang), feedUrl });
  },
  { errorPage: site.statusPage },
);
