import Handlebars from 'handlebars';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { env, readEnv } from '#config/env.ts';
import { formatMessage, formatPublished, loadMessages } from '#core/digests/messages.ts';
import { HttpError } from '#core/errors.ts';
import { isLanguage } from '#core/languages.ts';
import { renderPage } from '#core/pages/page.ts';
import { articleUrl } from '#core/pages/urls.ts';
import { html, withHttpErrors } from '#handlers/shared/http.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_PUBLISHER_NAME: env.HERALD_PUBLISHER_NAME,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
});
const articles = new DynamoArticleStore(config.HERALD_TABLE);
const templates = new FileTemplateSource(config.HERALD_TEMPLATES_DIR);
const escapeHtml = Handlebars.escapeExpression;

/** `GET /archive/<lang>`: the articles of a language, newest first — browsable without subscribing. */
export const handler = withHttpErrors(
  async (event) => {
    const lang = /^\/archive\/([a-z]{2})\/?$/.exec(event.rawPath)?.[1];
    if (!isLanguage(lang)) throw new HttpError(404, 'the archive exists in en, zh, fr, es, ru and ar');
    const messages = await loadMessages(templates, lang);
    const list = await articles.listArchive(lang, 100);
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
        trustedHtml: `<ul>\n${items}\n</ul>`,
      }),
    );
  },
  (status, message) =>
    renderPage({ lang: 'en', title: status === 404 ? 'Not found' : 'Error', paragraphs: [message] }),
);
