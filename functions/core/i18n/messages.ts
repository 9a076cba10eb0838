import { IntlMessageFormat } from 'intl-messageformat';
import type { Language } from '#core/i18n/languages.ts';
import type { TemplateSource } from '#core/mail/ports.ts';

export type Messages = Readonly<Record<string, string>>;

const cache = new Map<string, Promise<Messages>>();

/** The message file of a language, `templates/strings/<lang>.json`, read once per process. */
export function loadMessages(templates: TemplateSource, lang: Language): Promise<Messages> {
  let messages = cache.get(lang);
  if (!messages) {
    messages = templates.read(`strings/${lang}.json`).then((text) => JSON.parse(text) as Messages);
    cache.set(lang, messages);
  }
  return messages;
}

/** A missing message is a bug in the templates: it fails loudly (in tests), never sends a blank. */
export class MissingMessageError extends Error {
  override readonly name = 'MissingMessageError';
}

const compiled = new Map<string, IntlMessageFormat>();

/**
 * Looks a message up and formats it with ICU MessageFormat (intl-messageformat): `{name}` placeholders,
 * and plurals by the language's own rules — `{count, plural, one {…} few {…} many {…} other {…}}`, six
 * forms in Arabic, three in Russian. Raw text: callers escape for their context.
 */
export function formatMessage(
  messages: Messages,
  lang: Language,
  key: string,
  values: Readonly<Record<string, string | number>> = {},
): string {
  const template = Object.hasOwn(messages, key) ? messages[key] : undefined;
  if (template === undefined)
    throw new MissingMessageError(`message "${key}" is missing for language ${lang}`);
  const id = `${lang}\u0000${template}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(template, lang, undefined, { ignoreTag: true });
    compiled.set(id, format);
  }
  return String(format.format(values));
}

/** The name of a language in that language ("français", "中文"), for language links. */
export { nativeName as nativeLanguageName } from '#core/i18n/languages.ts';

/** A publisher's wall-clock `YYYY-MM-DDTHH:MM`, formatted for readers of `lang`. */
export function formatPublished(published: string, lang: Language): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(`${published}:00Z`),
  );
}
