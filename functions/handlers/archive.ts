import { Feed } from 'feed';
import Handlebars from 'handlebars';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { env, readEnv } from '#config/env.ts';
import { instantOf } from '#core/documents/dates.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage } from '#core/i18n/languages.ts';
import { formatMessage, formatPublished, loadMessages } from '#core/i18n/messages.ts';
import { renderPage } from '#core/pages/page.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { type HttpResult, html, withHttpErrors } from '#handlers/shared/http.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_PUBLISHER_NAME: env.HERALD_PUBLISHER_NAME,
  HERALD_TIME_ZONE: env.HERALD_TIME_ZONE,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
});
const articles = new DynamoArticleStore(config.HERALD_TABLE);
const templates = new FileTemplateSource(config.HERALD_TEMPLATES_DIR);
const escapeHtml = Handlebars.escapeExpression;

/** `GET /archive/<lang>`: the articles of a language, newest first — browsable without subscribing. */
export const handler = withHttpErrors(
  async (event): Promise<HttpResult> => {
    const match = /^\/archive\/([a-z]{2})(\/feed\.atom)?\/?$/.exec(event.rawPath);
    const lang = match?.[1];
    if (!isLanguage(lang)) throw new HttpError(404, 'the archive exists in en, zh, fr, es, ru and ar');
    const messages = await loadMessages(templates, lang);
    const list = await articles.listArchive(lang, 100);
    const feedUrl = pageUrl(config.HERALD_PUBLIC_BASE_URL, `archive/${lang}/feed.atom`);
    if (match?.[2]) {
      // RFC 4287: instants with their offset (the publisher's wall clock, in their time zone), an author.
      const archiveUrl = pageUrl(config.HERALD_PUBLIC_BASE_URL, `archive/${lang}`);
      const feed = new Feed({
        title: `${config.HERALD_PUBLISHER_NAME} — ${formatMessage(messages, lang, 'languageName')}`,
        id: feedUrl,
        link: archiveUrl,
        language: lang,
        updated: list[0] ? instantOf(list[0].published, config.HERALD_TIME_ZONE) : new Date(0),
        author: { name: config.HERALD_PUBLISHER_NAME, link: config.HERALD_PUBLIC_BASE_URL },
        copyright: config.HERALD_PUBLISHER_NAME,
        feedLinks: { atom: feedUrl },
      });
      for (const a of list) {
        const url = articleUrl(config.HERALD_PUBLIC_BASE_URL, a.articleId, a.lang);
        const at = instantOf(a.published, config.HERALD_TIME_ZONE);
        feed.addItem({ title: a.title, id: url, link: url, date: at, published: at });
      }
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/atom+xml; charset=utf-8' },
        // The feed's language, as `xml:lang` (the library writes it only for RSS).
        body: feed
          .atom1()
          .replace(
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">`,
          ),
      };
    }
    const items = list
      .map(
        (a) =>
          `<li><a href="${escapeHtml(articleUrl(config.HERALD_PUBLIC_BASE_URL, a.articleId, a.lang))}">${escapeHtml(a.title)}</a> <span class="meta"><time datetime="${a.published}">${escapeHtml(formatPublished(a.published, lang))}</time></span></li>`,
      )
      .join('\n');
    return html(
      200,
      renderPage({
        lang,
        title: `${config.HERALD_PUBLISHER_NAME} — ${formatMessage(messages, lang, 'languageName')}`,
        paragraphs: [],
        trustedHtml: `<ul>\n${items}\n</ul>\n<p><a href="${escapeHtml(feedUrl)}" type="application/atom+xml">${escapeHtml(formatMessage(messages, lang, 'feed'))}</a></p>`,
      }),
    );
  },
  (status, message) =>
    renderPage({ lang: 'en', title: status === 404 ? 'Not found' : 'Error', paragraphs: [message] }),
);
