import Handlebars from 'handlebars';
import type { PersonalField, RenderedDigest } from '#core/digests/digest.ts';

const escapeHtml = Handlebars.escapeExpression;

export interface PersonalizedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/**
 * Puts one recipient's values into a rendered digest by plain string replacement of the render's
 * nonce markers — microseconds per recipient — leaving out the articles at `skip` (withdrawn since
 * the render). Values are URLs built by Herald; they are escaped for the HTML attribute they land in.
 */
export function personalize(
  rendered: RenderedDigest,
  values: Readonly<Record<PersonalField, string>>,
  skip: ReadonlySet<number> = new Set(),
): PersonalizedMail {
  let html = rendered.html;
  for (const index of skip) {
    const start = html.indexOf(`<!--${rendered.segment}-${index}-start-->`);
    const endMarker = `<!--${rendered.segment}-${index}-end-->`;
    const end = html.indexOf(endMarker);
    if (start >= 0 && end > start) html = html.slice(0, start) + html.slice(end + endMarker.length);
  }
  const kept = rendered.articles.filter((_, i) => !skip.has(i));
  let text = [
    rendered.text.head,
    ...rendered.text.articles.filter((_, i) => !skip.has(i)),
    rendered.text.foot,
  ].join('\n\n');
  for (const [field, marker] of Object.entries(rendered.markers) as [PersonalField, string][]) {
    const value = values[field];
    html = html.replaceAll(marker, value.replaceAll('&', '&amp;').replaceAll('"', '&quot;'));
    text = text.replaceAll(marker, value);
  }
  const subject =
    kept.length === 1 ? kept[0]!.title : rendered.subjectMany.replace('{count}', String(kept.length));
  html = html
    .replace(rendered.subjectMarker, escapeHtml(subject))
    .replace(rendered.previewMarker, escapeHtml(kept.map((a) => a.title).join(' · ')));
  return { subject, html, text };
}
