import Handlebars from 'handlebars';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { env, readEnv } from '#config/env.ts';
import { HttpError } from '#core/errors.ts';
import { directionOf, isLanguage } from '#core/i18n/languages.ts';
import { formatMessage, formatPublished, loadMessages, nativeLanguageName } from '#core/i18n/messages.ts';
import { renderPage } from '#core/pages/page.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { html, withHttpErrors } from '#handlers/shared/http.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_BUCKET: env.HERALD_BUCKET,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
});
const articles = new DynamoArticleStore(config.HERALD_TABLE, config.HERALD_BUCKET);
const templates = new FileTemplateSource(config.HERALD_TEMPLATES_DIR);
const escapeHtml = Handlebars.escapeExpression;

/**
 * `GET /articles/<id>/<lang>`: the neutral web version of an article — no reader's token anywhere,
 * safe to forward — with links to its other language versions. A withdrawn version is gone (410).
 */
export const handler = withHttpErrors(
  async (event) => {
    const match = /^\/articles\/([a-z0-9-]{1,80})\/([a-z]{2})\/?$/.exec(event.rawPath);
    if (!match || !isLanguage(match[2])) throw new HttpError(404, 'there is no article at this address');
    const [, articleId, wanted] = match as unknown as [string, string, string];
    const versions = await articles.getVersions(articleId);
    const version = versions.find((v) => v.lang === wanted);
    if (!version) throw new HttpError(404, 'there is no article at this address');
    if (version.withdrawnAt) throw new HttpError(410, 'this article has been withdrawn by its publisher');
    const messages = await loadMessages(templates, version.lang);
    const others = versions
      .filter((v) => v.lang !== version.lang && !v.withdrawnAt)
      .map(
        (v) =>
          `<a href="${escapeHtml(articleUrl(config.HERALD_PUBLIC_BASE_URL, v.articleId, v.lang))}" hreflang="${v.lang}" lang="${v.lang}">${escapeHtml(nativeLanguageName(v.lang))}</a>`,
      );
    const meta = `<p class="meta">${escapeHtml(formatMessage(messages, version.lang, 'published'))} <time datetime="${version.published}">${escapeHtml(formatPublished(version.published, version.lang))}</time></p>`;
    const t = (key: string) => escapeHtml(formatMessage(messages, version.lang, key));
    const print = event.queryStringParameters?.view === 'print';
    const languages =
      others.length && !print
        ? `<nav aria-label="${t('otherLanguages')}"><p>${t('otherLanguages')}: ${others.join(' · ')}</p></nav>`
        : '';
    const self = articleUrl(config.HERALD_PUBLIC_BASE_URL, version.articleId, version.lang);
    const { lang } = version;
    const field = (name: string, label: string, type: string, extra = '') =>
      `<p><label for="${name}">${t(label)}</label><br><input id="${name}" name="${name}" type="${type}" ${extra}></p>`;
    const suggest = `<section id="suggest" class="actions" aria-labelledby="suggest-title">
<h2 id="suggest-title">${t('suggestFormTitle')}</h2>
<form method="post" action="/api/suggest?lang=${lang}">
<input type="hidden" name="article" value="${escapeHtml(version.articleId)}">
<input type="hidden" name="language" value="${lang}">
${field('senderName', 'yourName', 'text', 'required maxlength="60" autocomplete="name"')}
${field('senderEmail', 'yourEmail', 'email', 'required maxlength="254" autocomplete="email" dir="ltr"')}
${field('friendEmail1', 'friendEmail', 'email', 'required maxlength="254" dir="ltr"')}
<p><label for="note">${t('noteLabel')}</label><br><textarea id="note" name="note" maxlength="500" rows="3"></textarea></p>
<altcha-widget challenge="/api/suggest/challenge" language="${lang}" auto="onload"></altcha-widget>
<p><button type="submit">${t('sendSuggestion')}</button></p>
</form>
</section>`;
    const actions = print
      ? ''
      : `<p class="actions"><a href="${escapeHtml(`${self}?view=print`)}">${t('print')}</a> · <a href="${escapeHtml(pageUrl(config.HERALD_PUBLIC_BASE_URL, `archive/${lang}`))}">${t('articleIndex')}</a></p>\n${suggest}`;
    const page = html(
      200,
      renderPage({
        lang,
        title: version.title,
        paragraphs: [],
        trustedHtml: `${meta}\n<article dir="${directionOf(lang)}">${await articles.loadBody(version)}</article>\n${actions}\n${languages}`,
        scripts: print ? [] : ['/assets/altcha.js'],
      }),
    );
    // The proof-of-work widget is Herald's own script; it solves in workers started from data: URLs.
    return {
      ...page,
      headers: {
        ...page.headers,
        'content-security-policy':
          "default-src 'none'; script-src 'self'; worker-src 'self' data: blob:; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'",
      },
    };
  },
  (status, message) =>
    renderPage({ lang: 'en', title: status === 410 ? 'Withdrawn' : 'Not found', paragraphs: [message] }),
);
