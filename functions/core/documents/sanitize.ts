import Handlebars from 'handlebars';
import { convert } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';
import { checkHtmlDepth } from '#core/documents/depth.ts';

/**
 * The allow-list for document HTML that reaches a template: structure and emphasis only, links to
 * https: and mailto: only, no scripts, event handlers, styles, forms, media, or MJML tags.
 */
const POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'b',
    'em',
    'i',
    'u',
    'a',
    'ul',
    'ol',
    'li',
    'blockquote',
    'h2',
    'h3',
    'h4',
    'code',
    'pre',
    'sub',
    'sup',
    'span',
  ],
  allowedAttributes: { a: ['href', 'title'], '*': ['lang', 'dir'] },
  allowedSchemes: ['https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Dropped with everything inside them (other unknown tags keep their text).
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'noscript',
    'iframe',
    'object',
    'template',
    'svg',
    'math',
    'head',
    'title',
    'mj-raw',
    'mj-style',
    'mj-head',
    'mj-include',
  ],
  transformTags: {
    // A heading inside an article is a sub-heading: the article title is the only h2 of its block.
    h1: 'h3',
    h2: 'h3',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } }),
  },
  allowedClasses: {},
};

/** Document HTML through the allow-list; HTML nested too deep to walk safely is refused first. */
export function sanitizeBody(html: string): string {
  checkHtmlDepth(html, 'HTML body');
  return sanitizeHtml(html, {
    ...POLICY,
    allowedAttributes: { ...POLICY.allowedAttributes, a: ['href', 'title', 'rel'] },
  }).trim();
}

/** Plain paragraphs as HTML, every character escaped. */
export function paragraphsToHtml(paragraphs: readonly string[]): string {
  return paragraphs.map((p) => `<p>${Handlebars.escapeExpression(p)}</p>`).join('\n');
}

/** Plain-text paragraphs of sanitized HTML (for summaries and the text part). */
export function htmlToParagraphs(html: string): string[] {
  return convert(html, { wordwrap: false, selectors: [{ selector: 'a', options: { ignoreHref: true } }] })
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}
