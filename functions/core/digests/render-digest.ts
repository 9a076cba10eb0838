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
import { directionOf, type Language } from '#core/languages.ts';
import type { TemplateSource } from '#ports/index.ts';

export interface RenderSettings {
  readonly publisher: string;
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

/**
 * Renders a digest once for all its recipients: Handlebars fills the MJML template (escaping every
 * document value), MJML turns it into HTML, html-to-text makes the text part from that same HTML.
 * Per-recipient values are left as nonce markers for {@link personalize}.
 */
export async function renderDigest(
  digest: Digest,
  templates: TemplateSource,
  settings: RenderSettings,
): Promise<RenderedDigest> {
  const messages = await loadMessages(templates, digest.lang);
  const nonce = randomBytes(12).toString('hex');
  const markers = Object.fromEntries(
    PERSONAL_FIELDS.map((field) => [field, `herald-${nonce}-${field}`]),
  ) as Record<PersonalField, string>;
  const subject = digestSubject(digest, messages, settings);

  const template = await compileTemplate(templates, 'digest.mjml');
  const mjml = template(
    {
      lang: digest.lang,
      dir: directionOf(digest.lang),
      align: directionOf(digest.lang) === 'rtl' ? 'right' : 'left',
      subject,
      preview: digest.articles.map((a) => a.title).join(' · '),
      publisher: settings.publisher,
      languageName: formatMessage(messages, digest.lang, 'languageName'),
      markers,
      articles: digest.articles.map((article) => ({
        title: article.title,
        published: article.published,
        publishedLabel: formatPublished(article.published, digest.lang),
        paragraphs: article.paragraphs,
        otherLanguages: article.otherLanguages.map((code) => ({ code, name: nativeLanguageName(code) })),
      })),
    },
    { helpers: { t: messageHelper(messages, digest.lang) } },
  );

  const result = await mjml2html(mjml, { validationLevel: 'strict' });
  if (result.errors.length > 0) {
    throw new TemplateError(`digest.mjml: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
  }
  const text = convert(result.html, {
    wordwrap: 78,
    selectors: [
      // MJML's hidden preview text is for the inbox list, not the body.
      { selector: 'div[style*="display:none"]', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
  return { digestId: digest.id, lang: digest.lang, subject, html: result.html, text, markers };
}

function digestSubject(digest: Digest, messages: Messages, settings: RenderSettings): string {
  if (digest.articles.length === 1) return digest.articles[0]!.title;
  return formatMessage(messages, digest.lang, 'digestSubjectMany', {
    publisher: settings.publisher,
    count: digest.articles.length,
  });
}

/** `{{t "key" name=value}}`: a localized message with its values, HTML-escaped. */
function messageHelper(messages: Messages, lang: Language) {
  return (key: string, options: Handlebars.HelperOptions) =>
    Handlebars.escapeExpression(formatMessage(messages, lang, key, options.hash as Record<string, string>));
}
