import type { ArticleVersion } from '#core/documents/article.ts';
import { LANGUAGES, type Language, nativeName } from '#core/i18n/languages.ts';
import { formatPublished } from '#core/i18n/messages.ts';
import { articleUrl } from '#core/pages/urls.ts';
import { CADENCE_LABELS, CADENCES, type Cadence } from '#core/subscriptions/subscriber.ts';

/** The six languages as a page offers them (a switcher, a select), `current` marked. */
export function languageChoices(current: Language) {
  return LANGUAGES.map((code) => ({ code, name: nativeName(code), current: code === current }));
}

/** The cadences as radio buttons, labelled in the page's language, `current` checked. */
export function cadenceChoices(t: (key: string) => string, current?: Cadence) {
  return CADENCES.map((value) => ({ value, label: t(CADENCE_LABELS[value]), current: value === current }));
}

/** Articles as a list shows them: a link to each, its title and its date in the list's language. */
export function articleLinks(
  baseUrl: string,
  articles: readonly Pick<ArticleVersion, 'articleId' | 'lang' | 'title' | 'published'>[],
  lang: Language,
) {
  return articles.map((a) => ({
    href: articleUrl(baseUrl, a.articleId, a.lang),
    title: a.title,
    published: a.published,
    date: formatPublished(a.published, lang),
  }));
}
