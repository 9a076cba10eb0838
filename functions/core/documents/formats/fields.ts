import { readPublishedDate } from '#core/documents/dates.ts';
import { DocumentRejectedError } from '#core/errors.ts';
import { isLanguage, type Language } from '#core/i18n/languages.ts';
import { TOPIC_PATTERN } from '#core/topics.ts';

const MAX_TITLE = 300;

/** The checks every format shares, each rejecting with a reason the publisher can act on. */
export function requireTitle(value: unknown): string {
  const title = typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
  if (!title) throw new DocumentRejectedError('no-title', 'the document has no title');
  if (title.length > MAX_TITLE) {
    throw new DocumentRejectedError(
      'no-title',
      `the title is ${title.length} characters; the limit is ${MAX_TITLE}`,
    );
  }
  return title;
}

export function requireDate(value: unknown, timeZone: string): string {
  const published = readPublishedDate(value, timeZone);
  if (!published) {
    const shown = value instanceof Date ? value.toISOString() : String(value ?? '').slice(0, 40);
    throw new DocumentRejectedError(
      'bad-date',
      value === undefined || value === ''
        ? 'the document has no date: give one as "YYYY-MM-DD HH:MM" or ISO 8601'
        : `the date "${shown}" is not a date: use "YYYY-MM-DD HH:MM" or ISO 8601`,
    );
  }
  return published;
}

export function requireLanguage(value: unknown, hint: Language | undefined): Language {
  const lang = typeof value === 'string' ? value.trim().toLowerCase().slice(0, 2) : undefined;
  if (isLanguage(lang)) return lang;
  if (value === undefined && hint) return hint;
  throw new DocumentRejectedError(
    'no-language',
    value === undefined
      ? 'the document names no language (en, zh, fr, es, ru, ar) and its key names none'
      : `the language "${String(value).slice(0, 20)}" is not one of en, zh, fr, es, ru, ar`,
  );
}

export function optionalLanguages(value: unknown): Language[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => String(v).toLowerCase()).filter(isLanguage);
}

export function optionalTopics(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list
    .map((topic) => String(topic).trim().toLowerCase())
    .filter((topic) => TOPIC_PATTERN.test(topic))
    .slice(0, 20);
}

/** Only an absolute https: URL is kept as a canonical link. */
export function optionalHttpsUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function optionalText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, max) : undefined;
}

export function optionalArticleId(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const id = String(value)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return id || undefined;
}

export function isTruthyFlag(value: unknown): boolean {
  return value === true || (typeof value === 'string' && /^(true|yes|1)$/i.test(value.trim()));
}

export function requireContent(paragraphs: readonly string[]): void {
  if (paragraphs.length === 0)
    throw new DocumentRejectedError('no-content', 'the document has a title but no body text');
}
