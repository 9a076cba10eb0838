import type { Language } from '#core/i18n/languages.ts';

export const DEFAULT_SUMMARY_CHARS = 280;

/**
 * The lead of an article: its first paragraph, cut to at most `maxChars` characters at the last
 * sentence end that fits, else at the last word boundary (Intl.Segmenter knows where words end in
 * Chinese, which has no spaces), with an ellipsis when cut.
 */
export function summarize(
  paragraphs: readonly string[],
  lang: Language,
  maxChars = DEFAULT_SUMMARY_CHARS,
): string {
  const lead = paragraphs[0]?.trim() ?? '';
  if ([...lead].length <= maxChars) return lead;

  const sentences = [...new Intl.Segmenter(lang, { granularity: 'sentence' }).segment(lead)];
  let taken = '';
  for (const { segment } of sentences) {
    if ([...(taken + segment)].length > maxChars - 1) break;
    taken += segment;
  }
  if (taken.trim().length >= maxChars / 3) return taken.trim();

  taken = '';
  for (const { segment } of new Intl.Segmenter(lang, { granularity: 'word' }).segment(lead)) {
    if ([...(taken + segment)].length > maxChars - 1) break;
    taken += segment;
  }
  return `${taken.trimEnd()}…`;
}
