import { convert } from 'html-to-text';

const OPTIONS = {
  wordwrap: 78,
  selectors: [
    // MJML's hidden preview text is for the inbox list, not the body.
    { selector: 'div[style*="display:none"]', format: 'skip' },
    { selector: 'title', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
};

/** The text part of a mail, made from the same HTML (links kept as `text [url]`). */
export function textPart(html: string): string {
  return convert(html, OPTIONS);
}
