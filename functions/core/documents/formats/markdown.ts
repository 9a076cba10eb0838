import { marked } from 'marked';
import type { ParsedDocument } from '#core/documents/article.ts';
import { checkMarkdownDepth } from '#core/documents/depth.ts';
import {
  isTruthyFlag,
  optionalArticleId,
  optionalHttpsUrl,
  optionalLanguages,
  optionalText,
  optionalTopics,
  requireContent,
  requireDate,
  requireLanguage,
  requireTitle,
} from '#core/documents/formats/fields.ts';
import { readFrontMatter } from '#core/documents/formats/front-matter.ts';
import { htmlToParagraphs, sanitizeBody } from '#core/documents/sanitize.ts';
import type { Language } from '#core/i18n/languages.ts';

/**
 * Markdown with YAML front matter: `title`, `date`, `lang`, `id`, `topics`, `canonical_url`,
 * `summary`, `translations`, `archive_only`. The Markdown becomes HTML, then goes through the
 * sanitizer like any other document HTML. Executable front matter (`---js`) is refused.
 */
export function parseMarkdown(
  text: string,
  langHint: Language | undefined,
  timeZone: string,
): ParsedDocument {
  const { data, content } = readFrontMatter(text);
  checkMarkdownDepth(content);
  const bodyHtml = sanitizeBody(marked.parse(content, { async: false, gfm: true }) as string);
  const paragraphs = htmlToParagraphs(bodyHtml);
  const parsed: ParsedDocument = {
    format: 'markdown',
    title: requireTitle(data.title),
    published: requireDate(data.date, timeZone),
    lang: requireLanguage(data.lang ?? data.language, langHint),
    paragraphs,
    bodyHtml,
    otherLanguages: optionalLanguages(data.translations),
    articleId: optionalArticleId(data.id ?? data.article_id ?? data.articleId),
    topics: optionalTopics(data.topics),
    canonicalUrl: optionalHttpsUrl(data.canonical_url ?? data.canonicalUrl ?? data.canonical),
    summary: optionalText(data.summary, 600),
    archiveOnly: isTruthyFlag(data.archive_only ?? data.archiveOnly),
  };
  requireContent(paragraphs);
  return parsed;
}
