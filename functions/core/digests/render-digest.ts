import { randomBytes } from 'node:crypto';
import Handlebars from 'handlebars';
import { convert } from 'html-to-text';
import mjml2html from 'mjml';
import type { Digest, PersonalField, RenderedDigest } from '#core/digests/digest.ts';
import { PERSONAL_FIELDS } from '#core/digests/digest.ts';
import {
  formatMessage,
  formatPublished,
  loadMessages,
  type Messages,
  nativeLanguageName,
} from '#core/digests/messages.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import { directionOf, type Language } from '#core/languages.ts';
import { articleUrl } from '#core/pages/urls.ts';
import type { TemplateSource } from '#ports/index.ts';

export interface RenderSettings {
  readonly publisher: string;
  readonly publicBaseUrl: string;
}

/** An MJML template failed strict validation: a bug in `templates/`, never a document's fault. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const compiled = new Map<string, Promise<HandlebarsTemplateDelegate>>();

function compileTemplate(templates: TemplateSource, name: string): Promise<HandlebarsTemplateDelegate> {
  let template = compiled.get(name);
  if (!template) {
    template = templates.read(name).then((source) => Handlebars.compile(source, { strict: true }));
    compiled.set(name, template);
  }
  return template;
}

const TEXT_OPTIONS = {
  wordwrap: 78,
  selectors: [
    // MJML's hidden preview text is for the inbox list, not the body.
    { selector: 'div[style*="display:none"]', format: 'skip' },
    { selector: 'title', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
};

/**
 * Renders a digest once for all its recipients: Handlebars fills the MJML template (escaping every
 * plain value; article bodies arrive already sanitized), MJML turns it into HTML, html-to-text makes
 * the text part from that same HTML, article by article so a withdrawn article can be left out at send
 * time. Per-recipient values are left as nonce markers for {@link personalize}.
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
  const messages = await loadMessages(templates, lang);
  const nonce = randomBytes(12).toString('hex');
  const markers = Object.fromEntries(
    PERSONAL_FIELDS.map((field) => [field, `herald-${nonce}-${field}`]),
  ) as Record<PersonalField, string>;
  const segment = `herald-${nonce}-article`;
  const subjectMany = formatMessage(messages, lang, 'digestSubjectMany', {
    publisher: settings.publisher,
    count: '{count}',
  });

  const template = await compileTemplate(templates, 'digest.mjml');
  const mjml = template(
    {
      lang,
      dir: directionOf(lang),
      align: directionOf(lang) === 'rtl' ? 'right' : 'left',
      subject: `herald-${nonce}-subject`,
      preview: `herald-${nonce}-preview`,
      publisher: settings.publisher,
      languageName: formatMessage(messages, lang, 'languageName'),
      markers,
      articles: digest.articles.map((article, index) => ({
        segmentStart: `${segment}-${index}-start`,
        segmentEnd: `${segment}-${index}-end`,
        lang: article.lang,
        dir: directionOf(article.lang),
        align: directionOf(article.lang) === 'rtl' ? 'right' : 'left',
        foreign: article.lang !== lang,
        foreignNote: formatMessage(messages, lang, 'onlyInLanguage', {
          language: new Intl.DisplayNames([lang], { type: 'language' }).of(article.lang) ?? article.lang,
        }),
        title: article.title,
        url: articleUrl(settings.publicBaseUrl, article.articleId, article.lang),
        published: article.published,
        publishedLabel: formatPublished(article.published, lang),
        bodyHtml: new Handlebars.SafeString(article.bodyHtml),
        otherVersions: versionsOf(article.articleId)
          .filter((v) => v.lang !== article.lang && !v.withdrawnAt)
          .map((v) => ({
            code: v.lang,
            name: nativeLanguageName(v.lang),
            url: articleUrl(settings.publicBaseUrl, v.articleId, v.lang),
          })),
      })),
    },
    { helpers: { t: messageHelper(messages, lang) } },
  );

  const result = await mjml2html(mjml, { validationLevel: 'strict' });
  if (result.errors.length > 0) {
    throw new TemplateError(`digest.mjml: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
  }
  const html = result.html;
  const cut = (from: number, to: number) => convert(html.slice(from, to), TEXT_OPTIONS);
  const starts = digest.articles.map((_, i) => html.indexOf(`<!--${segment}-${i}-start-->`));
  const ends = digest.articles.map((_, i) => html.indexOf(`<!--${segment}-${i}-end-->`));
  if ([...starts, ...ends].some((at) => at < 0))
    throw new TemplateError('digest.mjml: an article segment marker is missing');
  const text = {
    head: cut(0, starts[0]!),
    articles: starts.map((start, i) => cut(start, ends[i]!)),
    foot: cut(ends.at(-1)!, html.length),
  };
  return {
    digestId: digest.id,
    lang,
    articles: digest.articles.map((a) => ({ articleId: a.articleId, lang: a.lang, title: a.title })),
    subjectMany,
    html,
    segment,
    subjectMarker: `herald-${nonce}-subject`,
    previewMarker: `herald-${nonce}-preview`,
    text,
    markers,
  };
}

/** `{{t "key" name=value}}`: a localized message with its values, HTML-escaped. */
function messageHelper(messages: Messages, lang: Language) {
  return (key: string, options: Handlebars.HelperOptions) =>
    Handlebars.escapeExpression(formatMessage(messages, lang, key, options.hash as Record<string, string>));
}
