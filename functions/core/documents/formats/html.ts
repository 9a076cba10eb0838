import * as cheerio from 'cheerio';
import type { ParsedDocument } from '#core/documents/article.ts';
import { checkHtmlDepth } from '#core/documents/depth.ts';
import {
  isTruthyFlag,
  optionalArticleId,
  optionalHttpsUrl,
  optionalText,
  optionalTopics,
  requireContent,
  requireDate,
  requireLanguage,
  requireTitle,
} from '#core/documents/formats/fields.ts';
import { isChromeLine } from '#core/documents/parse-seed-page.ts';
import { htmlToParagraphs, sanitizeBody } from '#core/documents/sanitize.ts';
import { isLanguage, type Language } from '#core/i18n/languages.ts';

/** Page parts that are never article content. */
const CHROME =
  'script, style, noscript, template, nav, header, footer, aside, form, button, iframe, [role=navigation], [hidden]';

/**
 * An HTML page, read with a real HTML parser: language from `<html lang>`, title from `og:title`, the
 * article's `<h1>` or `<title>`, date from `<time datetime>` or `article:published_time`, content from
 * `<article>`, `<main>` or the body with navigation, headers, footers, forms and the page's
 * "Suggest to a friend" / "Print" links removed; then sanitized.
 */
export function parseHtml(text: string, langHint: Language | undefined, timeZone: string): ParsedDocument {
  checkHtmlDepth(text, 'HTML page');
  const $ = cheerio.load(text);
  const meta = (selector: string) => $(selector).first().attr('content')?.trim() || undefined;

  const root = $('article').first().length
    ? $('article').first()
    : $('main').first().length
      ? $('main').first()
      : $('body');
  const h1 = root.find('h1').first();
  const title = meta('meta[property="og:title"]') ?? (h1.text().trim() || $('title').first().text());
  const time = root.find('time[datetime]').first().length
    ? root.find('time[datetime]').first()
    : $('time[datetime]').first();
  const date =
    time.attr('datetime') ?? meta('meta[property="article:published_time"]') ?? meta('meta[name="date"]');

  const content = root.clone();
  content.find(CHROME).remove();
  content.find('h1').first().remove();
  const dateline = content.find('time[datetime]').first();
  const datelineParent = dateline.parent();
  // The dateline is metadata: drop it, and its paragraph when the paragraph holds nothing else.
  if (datelineParent.is('p, div, span') && datelineParent.text().trim() === dateline.text().trim())
    datelineParent.remove();
  else dateline.remove();
  content.find('a, p, li, span, div').each((_, element) => {
    const node = $(element);
    if (node.children().length === 0 && isChromeLine(node.text().trim())) node.remove();
  });
  const bodyHtml = sanitizeBody(content.html() ?? '');
  const paragraphs = htmlToParagraphs(bodyHtml);

  const otherLanguages = $('link[rel="alternate"][hreflang]')
    .map((_, link) => $(link).attr('hreflang')?.toLowerCase().slice(0, 2))
    .get()
    .filter(isLanguage);
  const htmlLang = $('html').attr('lang');
  const lang = requireLanguage(htmlLang, langHint);

  const parsed: ParsedDocument = {
    format: 'html',
    title: requireTitle(title),
    published: requireDate(date, timeZone),
    lang,
    paragraphs,
    bodyHtml,
    otherLanguages: [...new Set(otherLanguages)].filter((other) => other !== lang),
    articleId: optionalArticleId(meta('meta[name="herald:article-id"]')),
    topics: optionalTopics(meta('meta[name="keywords"]')),
    canonicalUrl: optionalHttpsUrl($('link[rel="canonical"]').attr('href')),
    summary: optionalText(meta('meta[name="description"]'), 600),
    archiveOnly: isTruthyFlag(meta('meta[name="herald:archive-only"]')),
  };
  requireContent(paragraphs);
  return parsed;
}
