import { escapeHtml, stripMarkerComments } from '#core/mail/markers.ts';
import type { PersonalField, RenderedMail } from '#core/mail/render-mail.ts';
import { textPart } from '#core/mail/text-part.ts';

/** Fills a rendered mail's subject, preview and personal markers: the finished HTML and text parts. */
export function fillMail(
  mail: RenderedMail,
  subject: string,
  preview: string,
  values: Readonly<Partial<Record<PersonalField, string>>>,
): { subject: string; html: string; text: string } {
  let html = stripMarkerComments(mail.html)
    .replaceAll(mail.subjectMarker, escapeHtml(subject))
    .replaceAll(mail.previewMarker, escapeHtml(preview));
  for (const [field, marker] of Object.entries(mail.markers) as [PersonalField, string][]) {
    const value = values[field];
    if (value === undefined) throw new RangeError(`no value for ${field}`);
    html = html.replaceAll(marker, value.replaceAll('&', '&amp;').replaceAll('"', '&quot;'));
  }
  return { subject, html, text: textPart(html) };
}
