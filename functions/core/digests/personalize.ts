import type { DigestField, RenderedDigest } from '#core/digests/digest.ts';
import { escapeHtml, stripMarkerComments } from '#core/mail/markers.ts';

export interface PersonalizedMail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

function cut(html: string, start: string, end: string): string {
  const from = html.indexOf(`<!--${start}-->`);
  const to = html.indexOf(`<!--${end}-->`);
  return from >= 0 && to > from ? html.slice(0, from) + html.slice(to + end.length + 7) : html;
}

/** A digest rendered by an earlier version, with one subject and `{count}` still to fill. */
function legacySubject(rendered: RenderedDigest, count: number): string {
  const old = (rendered as unknown as { subjectMany?: string }).subjectMany ?? '';
  return old.replace('{count}', String(count));
}

/** What stays of a digest once the articles at `skip` (withdrawn since the render) are left out. */
function keep(rendered: RenderedDigest, skip: ReadonlySet<number>) {
  let html = rendered.html;
  for (const index of skip)
    html = cut(html, `${rendered.segment}-${index}-start`, `${rendered.segment}-${index}-end`);
  const kept = rendered.articles.filter((_, i) => !skip.has(i));
  const subject =
    kept.length === 1
      ? kept[0]!.title
      : (rendered.subjects?.[kept.length - 1] ?? legacySubject(rendered, kept.length));
  html = html
    .replaceAll(rendered.subjectMarker, escapeHtml(subject))
    .replaceAll(rendered.previewMarker, escapeHtml(kept.map((a) => a.title).join(' · ')));
  const text = [
    rendered.text.head,
    ...rendered.text.articles.filter((_, i) => !skip.has(i)),
    rendered.text.foot,
  ].join('\n\n');
  return { subject, html, text };
}

/**
 * The same for every recipient of a job, so worked out once: a job's recipients share the rendered
 * digest and the set of withdrawn articles.
 */
export interface Kept {
  readonly subject: string;
  /** The HTML and text cut at the markers: text, then a field, then text… (odd places are fields). */
  readonly html: readonly string[];
  readonly text: readonly string[];
}
const keptCache = new WeakMap<RenderedDigest, { skip: string; kept: Kept }>();

/** `template` cut at each of `markers`: the text between them at even places, the fields at odd ones. */
function cutAtMarkers(template: string, markers: Readonly<Record<string, string>>): string[] {
  const fieldOf = new Map(Object.entries(markers).map(([field, marker]) => [marker, field]));
  if (fieldOf.size === 0) return [template];
  const pattern = new RegExp(
    [...fieldOf.keys()].map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  const parts: string[] = [];
  let from = 0;
  for (const match of template.matchAll(pattern)) {
    parts.push(template.slice(from, match.index), fieldOf.get(match[0])!);
    from = match.index + match[0].length;
  }
  parts.push(template.slice(from));
  return parts;
}

function keptFor(rendered: RenderedDigest, skip: ReadonlySet<number>): Kept {
  const key = [...skip].sort().join(',');
  const cached = keptCache.get(rendered);
  if (cached?.skip === key) return cached.kept;
  const { subject, html, text } = keep(rendered, skip);
  const kept = {
    subject,
    html: cutAtMarkers(stripMarkerComments(html), rendered.markers),
    text: cutAtMarkers(text, rendered.markers),
  };
  keptCache.set(rendered, { skip: key, kept });
  return kept;
}

/**
 * A digest as one text for all its readers, cut at the personal fields (what a bulk mail carries): the
 * subject, and the HTML and text with a field's name at every odd place. Worked out once per job.
 */
export function personalParts(rendered: RenderedDigest, skip: ReadonlySet<number> = new Set()): Kept {
  return keptFor(rendered, skip);
}

/** The parts joined, each field given its value (`escaped` for where it lands). */
function fill(
  parts: readonly string[],
  values: Readonly<Record<string, string>>,
  escaped: (v: string) => string,
) {
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) out += escaped(values[parts[i]!]!) + parts[i + 1]!;
  return out;
}
/** A value for a double-quoted HTML attribute (the personal fields are links). */
export const attribute = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
const asIs = (value: string) => value;

/** One recipient's finished mail from a bulk mail's parts: what SES makes of each entry. */
export function fillParts(
  parts: { readonly subject: string; readonly html: readonly string[]; readonly text: readonly string[] },
  values: Readonly<Record<string, string>>,
): PersonalizedMail {
  return {
    subject: parts.subject,
    html: fill(parts.html, values, attribute),
    text: fill(parts.text, values, asIs),
  };
}

/**
 * Puts one recipient's values into a rendered digest by plain string replacement of the render's
 * nonce markers — microseconds per recipient. Values are URLs built by Herald; they are escaped for
 * the HTML attribute they land in.
 */
export function personalize(
  rendered: RenderedDigest,
  values: Readonly<Record<DigestField, string>>,
  skip: ReadonlySet<number> = new Set(),
): PersonalizedMail {
  return fillParts(keptFor(rendered, skip), values);
}

/** The forwardable web version of a digest: the same mail without any personal link. */
export function neutralize(rendered: RenderedDigest, skip: ReadonlySet<number> = new Set()): string {
  return cut(keep(rendered, skip).html, rendered.personalStart, rendered.personalEnd);
}
