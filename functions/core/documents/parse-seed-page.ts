import type { ParsedDocument } from '#core/documents/article.ts';
import { readPublishedDate } from '#core/documents/dates.ts';
import { paragraphsToHtml } from '#core/documents/sanitize.ts';
import { DocumentRejectedError } from '#core/errors.ts';
import { LANGUAGE_LINK_NAMES, LANGUAGES, type Language } from '#core/i18n/languages.ts';

/** The page chrome that ends every press-release page, in each language: not content. */
const CHROME_LINES = new Set(
  [
    'Suggest to a friend',
    'Print',
    '推荐给朋友',
    '打印',
    'Suggérer à un ami',
    'Imprimer',
    'Sugerir a un amigo',
    'Imprimir',
    'Предложить другу',
    'Печать',
    'Распечатать',
    'اقترح على صديق',
    'طباعة',
  ].map((line) => line.toLocaleLowerCase()),
);

const DATE_LINE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/;

/** A line of page chrome ("Suggest to a friend", "Print", or their translations). */
export function isChromeLine(line: string): boolean {
  return CHROME_LINES.has(line.trim().toLocaleLowerCase());
}

const LANGUAGE_BY_LINK_NAME = new Map<string, Language>(
  LANGUAGES.flatMap((lang) =>
    LANGUAGE_LINK_NAMES[lang].map((name) => [name.toLocaleLowerCase(), lang] as const),
  ),
);

/** The languages a language-links line names, or undefined when the line is not such a line. */
export function readLanguageLinks(line: string): Language[] | undefined {
  const words = line.trim().split(/\s+/);
  const langs: Language[] = [];
  for (const word of words) {
    const lang = LANGUAGE_BY_LINK_NAME.get(word.toLocaleLowerCase());
    if (!lang) return undefined;
    if (!langs.includes(lang)) langs.push(lang);
  }
  return langs.length > 0 ? langs : undefined;
}

/**
 * Parses a press-release page in text form: a line of links to the other language versions, a title,
 * a `YYYY-MM-DD HH:MM` date, paragraphs separated by blank lines, and the page chrome
 * ("Suggest to a friend", "Print") which is dropped. The page's own language is the UN language its
 * links line does not name; `langHint` (from the object key) decides when that is ambiguous.
 */
export function parseSeedPage(text: string, langHint?: Language): ParsedDocument {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim());
  let cursor = 0;
  const nextNonBlank = (): string | undefined => {
    while (cursor < lines.length && lines[cursor] === '') cursor++;
    return lines[cursor++];
  };

  const first = nextNonBlank();
  const linked = first === undefined ? undefined : readLanguageLinks(first);
  if (!linked) cursor = 0;
  const lang = ownLanguage(linked ?? [], langHint);

  const title = nextNonBlank();
  if (!title || DATE_LINE.test(title)) {
    throw new DocumentRejectedError('no-title', 'the page has no title line before its date');
  }
  const dateLine = nextNonBlank();
  const published =
    dateLine !== undefined && DATE_LINE.test(dateLine) ? readPublishedDate(dateLine) : undefined;
  if (!published) {
    throw new DocumentRejectedError(
      'bad-date',
      `expected a date line "YYYY-MM-DD HH:MM" after the title, found "${(dateLine ?? '').slice(0, 40)}"`,
    );
  }

  const paragraphs = groupParagraphs(lines.slice(cursor), lang);
  if (paragraphs.length === 0) {
    throw new DocumentRejectedError('no-content', 'the page has a title and a date but no paragraphs');
  }
  return {
    format: 'page',
    lang,
    title,
    published,
    paragraphs,
    bodyHtml: paragraphsToHtml(paragraphs),
    otherLanguages: linked ?? [],
    topics: [],
    archiveOnly: false,
  };
}

function ownLanguage(linked: readonly Language[], hint: Language | undefined): Language {
  const missing = LANGUAGES.filter((lang) => !linked.includes(lang));
  if (missing.length === 1) return missing[0]!;
  if (hint && missing.includes(hint)) return hint;
  throw new DocumentRejectedError(
    'no-language',
    linked.length === 0
      ? 'the page has no language-links line and its key names no language'
      : `the language-links line names ${linked.join(', ')}; the page's own language is ambiguous`,
  );
}

/** Consecutive non-blank lines form one paragraph; chrome lines are dropped wherever they stand. */
function groupParagraphs(lines: readonly string[], lang: Language): string[] {
  const joiner = lang === 'zh' ? '' : ' ';
  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) paragraphs.push(current.join(joiner));
    current = [];
  };
  for (const line of lines) {
    if (line === '') flush();
    else if (!isChromeLine(line)) current.push(line);
  }
  flush();
  return paragraphs;
}
