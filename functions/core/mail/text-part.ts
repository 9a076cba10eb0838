import { convert, type HtmlToTextOptions } from 'html-to-text';

const OPTIONS = {
  wordwrap: 78,
  selectors: [
    // MJML's hidden preview text is for the inbox list, not the body.
    { selector: 'div[style*="display:none"]', format: 'skip' },
    // What only a browser makes use of (print, suggest, the other languages' pages): the text part keeps
    // one link per article, its web version, where all of those are.
    { selector: '.herald-html-only', format: 'skip' },
    { selector: 'title', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    // The title links where "Read more" does: the text part gives the address once.
    { selector: 'a.herald-title', format: 'inline' },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
} satisfies HtmlToTextOptions;

/** The text part of a mail, made from the same HTML (links kept as `text [url]`). */
export function textPart(html: string): string {
  return convert(html, OPTIONS);
}
