import { randomBytes } from 'node:crypto';
import Handlebars from 'handlebars';
import { directionOf, type Language } from '#core/i18n/languages.ts';
import { formatMessage, loadMessages, type Messages } from '#core/i18n/messages.ts';
import { compileMjml } from '#core/mail/mjml.ts';
import type { TemplateSource } from '#core/mail/ports.ts';

export const MAIL_TEMPLATES = ['digest', 'confirmation', 'welcome', 'suggestion', 'link'] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

/** Per-recipient values, left in a render as nonce markers and filled in per recipient. */
export const PERSONAL_FIELDS = [
  'unsubscribeUrl',
  'preferencesUrl',
  'confirmUrl',
  'neverSuggestUrl',
  'actionUrl',
] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

const PARTIALS = ['head', 'header', 'footer'] as const;

/** An MJML template failed strict validation, or misses a marker: a bug in `templates/`, never a document's fault. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export interface MailFrame {
  readonly lang: Language;
  readonly publisher: string;
  readonly postalAddress?: string;
  /** Why the reader gets this mail (the footer's first line). */
  readonly footerReason?: string;
  readonly webVersionUrl?: string;
}

export interface RenderedMail {
  readonly html: string;
  readonly nonce: string;
  readonly markers: Readonly<Partial<Record<PersonalField, string>>>;
  /** In <title> and the hidden preview: filled at send time. */
  readonly subjectMarker: string;
  readonly previewMarker: string;
  /** Around the footer's personal links, so a forwardable web version can leave them out. */
  readonly personalStart: string;
  readonly personalEnd: string;
}

const environments = new Map<TemplateSource, Promise<typeof Handlebars>>();
const compiled = new Map<string, Promise<HandlebarsTemplateDelegate>>();

/** A Handlebars environment with the shared partials of `templates/partials/`, built once per source. */
function environment(templates: TemplateSource): Promise<typeof Handlebars> {
  let env = environments.get(templates);
  if (!env) {
    env = (async () => {
      const handlebars = Handlebars.create();
      for (const name of PARTIALS)
        handlebars.registerPartial(name, await templates.read(`partials/${name}.mjml`));
      return handlebars;
    })();
    environments.set(templates, env);
  }
  return env;
}

async function compileTemplate(
  templates: TemplateSource,
  name: MailTemplate,
): Promise<HandlebarsTemplateDelegate> {
  const key = name;
  let template = compiled.get(key);
  if (!template) {
    template = Promise.all([environment(templates), templates.read(`${name}.mjml`)]).then(
      ([handlebars, source]) => handlebars.compile(source, { strict: true }),
    );
    compiled.set(key, template);
  }
  return template;
}

/**
 * Renders one mail template once: Handlebars fills it (escaping every plain value), MJML validates it
 * strictly and turns it into HTML. Per-recipient values, the subject and the preview are left as
 * random-nonce markers that no document content can forge.
 */
export async function renderMail(
  templates: TemplateSource,
  name: MailTemplate,
  frame: MailFrame,
  data: Record<string, unknown>,
  fields: readonly PersonalField[],
): Promise<RenderedMail> {
  const { lang } = frame;
  const messages = await loadMessages(templates, lang);
  const nonce = randomBytes(12).toString('hex');
  const marker = (what: string) => `herald-${nonce}-${what}`;
  const markers = Object.fromEntries(fields.map((field) => [field, marker(field)])) as Partial<
    Record<PersonalField, string>
  >;
  const personalStart = marker('personal-start');
  const personalEnd = marker('personal-end');
  const template = await compileTemplate(templates, name);
  const source = template(
    {
      ...data,
      lang,
      dir: directionOf(lang),
      align: directionOf(lang) === 'rtl' ? 'right' : 'left',
      publisher: frame.publisher,
      postalAddress: frame.postalAddress,
      footerReason: frame.footerReason,
      webVersionUrl: frame.webVersionUrl,
      languageName: formatMessage(messages, lang, 'languageName'),
      subject: marker('subject'),
      preview: marker('preview'),
      markers,
      personalStart,
      personalEnd,
    },
    { helpers: { t: messageHelper(messages, lang) } },
  );
  const result = await compileMjml(source);
  if (result.errors.length > 0) throw new TemplateError(`${name}.mjml: ${result.errors.join('; ')}`);
  return {
    html: result.html,
    nonce,
    markers,
    subjectMarker: marker('subject'),
    previewMarker: marker('preview'),
    personalStart,
    personalEnd,
  };
}

/** `{{t "key" name=value}}`: a localized message with its values, HTML-escaped. */
function messageHelper(messages: Messages, lang: Language) {
  return (key: string, options: Handlebars.HelperOptions) =>
    Handlebars.escapeExpression(formatMessage(messages, lang, key, options.hash as Record<string, string>));
}
