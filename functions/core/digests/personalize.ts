import type { PersonalField, RenderedDigest } from '#core/digests/digest.ts';

export interface PersonalizedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * Puts one recipient's values into a rendered digest: plain string replacement of the render's nonce
 * markers, microseconds per recipient. Values are URLs built by Herald; `&` is escaped for the HTML.
 */
export function personalize(
  rendered: RenderedDigest,
  values: Readonly<Record<PersonalField, string>>,
): PersonalizedMail {
  let html = rendered.html;
  let text = rendered.text;
  for (const [field, marker] of Object.entries(rendered.markers) as [PersonalField, string][]) {
    const value = values[field];
    html = html.replaceAll(marker, value.replaceAll('&', '&amp;').replaceAll('"', '&quot;'));
    text = text.replaceAll(marker, value);
  }
  return { subject: rendered.subject, html, text };
}
