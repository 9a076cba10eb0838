import Handlebars from 'handlebars';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { env, readEnv } from '#config/env.ts';
import { directionOf, isLanguage, LANGUAGES, type Language, nativeName } from '#core/i18n/languages.ts';
import { formatMessage, formatPublished, loadMessages } from '#core/i18n/messages.ts';
import { renderPage } from '#core/pages/page.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { html, withHttpErrors } from '#handlers/shared/http.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_PUBLISHER_NAME: env.HERALD_PUBLISHER_NAME,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
  HERALD_LOCAL_OUTBOX_URL: env.HERALD_LOCAL_OUTBOX_URL,
});
const articles = new DynamoArticleStore(config.HERALD_TABLE);
const templates = new FileTemplateSource(config.HERALD_TEMPLATES_DIR);
const e = Handlebars.escapeExpression;
const url = (path: string) => e(pageUrl(config.HERALD_PUBLIC_BASE_URL, path));
const LATEST = 3;
/** Every language's strings: the page shows all six. */
const messagesOf = new Map(
  await Promise.all(LANGUAGES.map(async (code) => [code, await loadMessages(templates, code)] as const)),
);
const say = (lang: Language, key: string) =>
  formatMessage(messagesOf.get(lang)!, lang, key, { publisher: config.HERALD_PUBLISHER_NAME });

/** On the local stack: where the mail goes, the template preview, and the commands to try. */
function localStack(outbox: string): string {
  const commands = [
    'npx herald subscribers add reader@example.org --lang en --confirmed',
    'npx herald publish samples/press-release-en.txt',
    'npx herald status',
    'npx herald --help',
  ];
  return `<section aria-labelledby="local" lang="en" dir="ltr">
<h2 id="local">This is the local stack</h2>
<p><a href="${e(outbox)}">The outbox</a>: every mail Herald sends here. <a href="${url('preview')}">The mail templates</a>, in every language.</p>
<p>In another terminal:</p>
<ul>${commands.map((command) => `<li><code>${e(command)}</code></li>`).join('')}</ul>
</section>`;
}

/**
 * `GET /`: the publisher's home page — the six language archives with their latest articles, each with its
 * subscribe link and feed; on the local stack also the outbox, the template preview and the commands.
 */
export const handler = withHttpErrors(
  async (event) => {
    const lang = isLanguage(event.queryStringParameters?.lang) ? event.queryStringParameters.lang : 'en';
    const t = (key: string) => say(lang, key);
    const sections = await Promise.all(
      LANGUAGES.map(async (code) => {
        const own = (key: string) => say(code, key);
        const latest = await articles.listArchive(code, LATEST);
        const items = latest.length
          ? `<ul>${latest
              .map(
                (a) =>
                  `<li><a href="${e(articleUrl(config.HERALD_PUBLIC_BASE_URL, a.articleId, a.lang))}">${e(a.title)}</a> <span class="meta"><time datetime="${a.published}">${e(formatPublished(a.published, code))}</time></span></li>`,
              )
              .join('')}</ul>`
          : `<p class="meta">${e(own('nothingYet'))}</p>`;
        return `<section lang="${code}" dir="${directionOf(code)}" aria-labelledby="lang-${code}">
<h2 id="lang-${code}"><a href="${url(`archive/${code}`)}">${e(nativeName(code))}</a></h2>
${items}
<p class="actions"><a href="${url(`subscribe?lang=${code}`)}">${e(own('subscribeButton'))}</a> · <a href="${url(`archive/${code}`)}">${e(own('articleIndex'))}</a> · <a href="${url(`archive/${code}/feed.atom`)}" type="application/atom+xml">${e(own('feed'))}</a></p>
</section>`;
      }),
    );
    const switcher = LANGUAGES.map((code) =>
      code === lang
        ? `<strong lang="${code}">${e(nativeName(code))}</strong>`
        : `<a href="?lang=${code}" lang="${code}" hreflang="${code}">${e(nativeName(code))}</a>`,
    ).join(' · ');
    return html(
      200,
      renderPage({
        lang,
        title: config.HERALD_PUBLISHER_NAME,
        paragraphs: [t('homeIntro')],
        trustedHtml: `<nav aria-label="${e(t('prefsLanguage'))}"><p>${switcher}</p></nav>\n${sections.join('\n')}\n${config.HERALD_LOCAL_OUTBOX_URL ? localStack(config.HERALD_LOCAL_OUTBOX_URL) : ''}`,
      }),
    );
  },
  (status, message) =>
    renderPage({ lang: 'en', title: status === 404 ? 'Not found' : 'Error', paragraphs: [message] }),
);
