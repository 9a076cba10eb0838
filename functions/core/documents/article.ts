import type { Language } from '#core/i18n/languages.ts';

export type DocumentFormat = 'page' | 'markdown' | 'html' | 'json';

/** What a parser extracts from one document: one language version of an article. */
export interface ParsedDocument {
  readonly format: DocumentFormat;
  readonly lang: Language;
  readonly title: string;
  /** Publisher's wall-clock time, `YYYY-MM-DDTHH:MM`, in the publisher's configured time zone. */
  readonly published: string;
  /** The body as plain-text paragraphs (for summaries and the text part). */
  readonly paragraphs: readonly string[];
  /** The body as sanitized HTML: allow-listed tags only, links https: or mailto:. */
  readonly bodyHtml: string;
  /** The other language versions the document says exist. */
  readonly otherLanguages: readonly Language[];
  /** The article this version belongs to, when the document names it (front matter, JSON, meta tag). */
  readonly articleId?: string;
  readonly topics: readonly string[];
  readonly canonicalUrl?: string;
  /** A summary the publisher wrote; otherwise one is cut from the lead. */
  readonly summary?: string;
  /** Published to the web version and archive, mailed to no one. */
  readonly archiveOnly: boolean;
}

/**
 * One language version of an article, as stored. Its plain-text paragraphs served the summary and are
 * not kept; a large body is kept beside the item (`bodyKey`), since DynamoDB items hold 400 KB at most.
 */
export interface ArticleVersion extends Omit<ParsedDocument, 'paragraphs'> {
  readonly articleId: string;
  readonly summary: string;
  readonly sourceKey: string;
  /** sha-256 of the source bytes: the identity of the content, whatever the key or S3 version. */
  readonly contentHash: string;
  readonly timeZone: string;
  readonly ingestedAt: string;
  /** Where the body is kept when it is too large to store with the item (then `bodyHtml` is empty). */
  readonly bodyKey?: string;
  /** Set when the source object was deleted: the version is withdrawn from anything not yet sent. */
  readonly withdrawnAt?: string;
}
