import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { pagesFromEnv } from '#builders/site.ts';
import { env } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage, nativeName } from '#core/i18n/languages.ts';
import { formatPublished } from '#core/i18n/messages.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { html, WIDGET_POLICY } from '#handlers/shared/http.ts';
import { httpHandler } from '#handlers/shared/http-edge.ts';

const site = pagesFromEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_BUCKET: env.HERALD_BUCKET,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
});
const base = site.config.HERALD_PUBLIC_BASE_URL;
const articles = new DynamoArticleStore(site.config.HERALD_TABLE, site.config.HERALD_BUCKET);

/**
 * `GET /articles/<id>/<lang>`: the neutral web version of an article — no reader's token anywhere,
 * safe to forward — with links to its other language versions. A withdrawn version is gone (410).
 */
export const handler = httpHandler(
  'article',
  async (event) => {
    const match = /^\/articles\/([a-z0-9-]{1,80})\/([a-z]{2})\/?$/.exec(event.rawPath);
    if (!match || !isLanguage(match[2])) throw new HttpError(404, 'there is no article at this address');
    const [, articleId, wanted] = match as unknown as [string, string, string];
    const versions = await articles.getVersions(articleId);
    const version = versions.find((v) => v.lang === wanted);
    if (!version) throw new HttpError(404, 'there is no article at this address');
    if (version.withdrawnAt) throw new HttpError(410, 'this article has been withdrawn by its publisher');
    const { lang, published } = version;
    const print = event.queryStringParameters?.view === 'print';
    const others = versions
      .filter((v) => v.lang !== lang && !v.withdrawnAt)
      .map((v) => ({ code: v.lang, name: nativeName(v.lang), href: articleUrl(base, v.articleId, v.lang) }));
    const page = await site.pages('article', {
      ...{ lang, t: await site.messagesFor(lang), title: version.title, print, others, articleId },
      ...{
        published,
        date: formatPublished(published, lang),
        sanitizedBody: await articles.loadBody(version),
      },
      printUrl: `${articleUrl(base, articleId, lang)}?view=print`,
      archiveUrl: pageUrl(base, `archive/${lang}`),
      scripts: print ? [] : ['/assets/altcha.js'],
    });
    return html(200, page, WIDGET_POLICY);
  },
  { errorPage: site.statusPage },
);
