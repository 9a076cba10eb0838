import type { Language } from '#core/languages.ts';

/** What a parser extracts from one document: one language version of an article. */
export interface ParsedDocument {
  readonly lang: Language;
  readonly title: string;
  /** Publisher's wall-clock time, `YYYY-MM-DDTHH:MM`, in the publisher's configured time zone. */
  readonly published: string;
  readonly paragraphs: readonly string[];
  /** The other language versions the page links to. */
  readonly otherLanguages: readonly Language[];
}

/** One language version of an article, as stored. */
export interface ArticleVersion extends ParsedDocument {
  readonly articleId: string;
  readonly summary: string;
  readonly sourceKey: string;
  /** sha-256 of the source bytes: the identity of the content, whatever the key or S3 version. */
  readonly contentHash: string;
  readonly timeZone: string;
  readonly ingestedAt: string;
}
