import { attribute } from '#core/digests/personalize.ts';
import type { BulkMail, BulkRecipient } from '#core/mail/ports.ts';

/**
 * SES renders a bulk mail's template with Handlebars and no HTML escaping: `{{name}}` is replaced by the
 * entry's value as it is, and any other `{{` in the text would be read as a placeholder too (an
 * article that quotes `{{` would lose words, or the whole mail to a rendering failure). So the text
 * between the fields is made literal: in HTML a second brace becomes `&#123;` (the same character to a
 * reader), in plain text a zero-width space keeps the braces apart; a backslash or a brace right
 * against a field is kept off it the same way (`\{{` escapes a placeholder, `{{{` opens another kind).
 */
const HTML = { brace: '&#123;', closing: '&#125;', backslash: '&#92;' } as const;
const ZERO_WIDTH_SPACE = '\u200b';

function literal(text: string, html: boolean, beforeField: boolean, afterField: boolean): string {
  let out = text;
  const open = html ? `{${HTML.brace}` : `{${ZERO_WIDTH_SPACE}{`;
  while (out.includes('{{')) out = out.replaceAll('{{', open);
  if (beforeField && /[{\\]$/.test(out)) {
    const last = out.at(-1)!;
    out = html ? out.slice(0, -1) + (last === '{' ? HTML.brace : HTML.backslash) : out + ZERO_WIDTH_SPACE;
  }
  if (afterField && out.startsWith('}')) out = html ? HTML.closing + out.slice(1) : ZERO_WIDTH_SPACE + out;
  return out;
}

/** The data key of a field where it lands: HTML (attribute-escaped) or text (as it is). */
const key = (field: string, html: boolean) => `${html ? 'h' : 't'}_${field}`;

function template(parts: readonly string[], html: boolean): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    out +=
      i % 2 === 1 ? `{{${key(parts[i]!, html)}}}` : literal(parts[i]!, html, i < parts.length - 1, i > 0);
  }
  return out;
}

/** The bulk mail's one template, as SES's inline TemplateContent. */
export function sesBulkTemplate(mail: Pick<BulkMail, 'subject' | 'html' | 'text'>) {
  return {
    Subject: literal(mail.subject, false, false, false),
    Html: template(mail.html, true),
    Text: template(mail.text, false),
  };
}

/** One entry's template data (ReplacementTemplateData): each field, for the HTML and for the text. */
export function sesEntryData(recipient: Pick<BulkRecipient, 'values'>): string {
  const data: Record<string, string> = {};
  for (const [field, value] of Object.entries(recipient.values)) {
    data[key(field, true)] = attribute(value);
    data[key(field, false)] = value;
  }
  return JSON.stringify(data);
}
