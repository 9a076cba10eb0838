import { Feed } from 'feed';
import type { ArticleVersion } from '#core/documents/article.ts';
import { instantOf } from '#core/documents/dates.ts';
import type { Language } from '#core/i18n/languages.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';

export interface ArchiveFeed {
  readonly baseUrl: string;
  readonly publisher: string;
  readonly timeZone: string;
  readonly lang: Language;
  readonly title: string;
  readonly articles: ReadonlyArray<Pick<ArticleVersion, 'articleId' | 'lang' | 'title' | 'published'>>;
}

/**
 * The Atom feed of a language's archive. RFC 4287: instants with their offset (the publisher's wall
 * clock, in their time zone), an author; the feed's language as `xml:lang` (the library writes it only
 * for RSS).
 */
export function archiveFeed({ baseUrl, publisher, timeZone, lang, title, articles }: ArchiveFeed): string {
  const feedUrl = pageUrl(baseUrl, `archive/${lang}/feed.atom`);
  const feed = new Feed({
    title,
    id: feedUrl,
    link: pageUrl(baseUrl, `archive/${lang}`),
    language: lang,
    updated: articles[0] ? instantOf(articles[0].published, timeZone) : new Date(0),
    author: { name: publisher, link: baseUrl },
    copyright: publisher,
    feedLinks: { atom: feedUrl },
  });
  for (const a of articles) {
    const url = articleUrl(baseUrl, a.articleId, a.lang);
    const at = instantOf(a.published, timeZone);
    feed.addItem({ title: a.title, id: url, link: url, date: at, published: at });
  }
  return feed
    .atom1()
    .replace(
      '<feed xmlns="http://www.w3.org/2005/Atom">',
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">`,
    );
}
