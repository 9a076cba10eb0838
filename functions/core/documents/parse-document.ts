import type { ParsedDocument } from '#core/documents/article.ts';
import { parseHtml } from '#core/documents/formats/html.ts';
import { parseJsonDocument } from '#core/documents/formats/json.ts';
import { parseMarkdown } from '#core/documents/formats/markdown.ts';
import { parseSeedPage } from '#core/documents/parse-seed-page.ts';
import { DocumentRejectedError } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';

// A Map: the extension comes from the object key, and `.constructor` must find nothing.
const BY_EXTENSION: ReadonlyMap<string, ParsedDocument['format']> = new Map([
  ['txt', 'page'],
  ['text', 'page'],
  ['md', 'markdown'],
  ['markdown', 'markdown'],
  ['html', 'html'],
  ['htm', 'html'],
  ['json', 'json'],
]);

/**
 * The format of a document, by content and extension together: a JSON object, an HTML document or
 * YAML front matter is recognised by its content whatever the extension; otherwise the extension
 * decides, and a key with no extension is a press-release text page. Any other extension is refused.
 */
export function detectFormat(key: string, text: string): ParsedDocument['format'] {
  const head = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 200)
    .toLowerCase();
  const file = key.split('/').at(-1) ?? key;
  const extension = file.includes('.') ? file.split('.').at(-1)!.toLowerCase() : '';
  if (head.startsWith('{')) return 'json';
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'html';
  if (head.startsWith('---\n') || head.startsWith('---\r')) return 'markdown';
  if (extension === '') return 'page';
  const format = BY_EXTENSION.get(extension);
  if (!format) {
    throw new DocumentRejectedError(
      'unknown-format',
      `".${extension}" documents are not read: use a press-release page (.txt), Markdown (.md), HTML (.html) or JSON (.json)`,
    );
  }
  return format;
}

export function parseDocument(
  key: string,
  text: string,
  langHint: Language | undefined,
  timeZone: string,
): ParsedDocument {
  switch (detectFormat(key, text)) {
    case 'json':
      return parseJsonDocument(text, langHint, timeZone);
    case 'html':
      return parseHtml(text, langHint, timeZone);
    case 'markdown':
      return parseMarkdown(text, langHint, timeZone);
    case 'page':
      return parseSeedPage(text, langHint);
  }
}
