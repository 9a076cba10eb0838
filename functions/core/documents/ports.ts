import type { ArticleVersion } from '#core/documents/article.ts';
import type { RejectionReason } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';

// What documents need: where they are read and quarantined, and where articles are kept.

/** Where documents are read from (the documents bucket). */
export interface DocumentSource {
  /**
   * The object's bytes, or undefined when it no longer exists. With `maxBytes`, no more than one byte
   * beyond it is read (so a size over the limit shows, without reading it all).
   */
  get(
    key: string,
    maxBytes?: number,
  ): Promise<{ bytes: Uint8Array; metadata: Readonly<Record<string, string>> } | undefined>;
}

export interface QuarantineReason {
  readonly key: string;
  readonly reason: RejectionReason;
  readonly message: string;
  readonly at: string;
  /** The live version the rejected upload was meant to replace (it stays live). */
  readonly replaces?: ArticleRef & { readonly title: string };
}

/** Moves a rejected document out of the documents prefix, with the reason kept apart from it. */
export interface Quarantine {
  /** `removedAs`: the version id of the removal (a delete marker), when the bucket keeps versions. */
  quarantine(reason: QuarantineReason): Promise<{ quarantineKey: string; removedAs?: string }>;
}

export interface ArticleRef {
  readonly articleId: string;
  readonly lang: Language;
}

export interface ArticleStore {
  /** Stores a version and remembers which object key it came from. */
  putVersion(version: ArticleVersion): Promise<void>;
  /** The archive of a language, newest first: every version published there and not withdrawn. */
  listArchive(
    lang: Language,
    limit: number,
  ): Promise<Array<Pick<ArticleVersion, 'articleId' | 'lang' | 'title' | 'published'>>>;
  /** Counts suggestions of an article (no address is kept). */
  countSuggestion(articleId: string, count: number): Promise<void>;
  /** Every stored version of an article (all languages). */
  getVersions(articleId: string): Promise<ArticleVersion[]>;
  /** The live version that came from `sourceKey`, if any. */
  liveVersionFrom(sourceKey: string): Promise<(ArticleRef & { readonly title: string }) | undefined>;
  /**
   * Notes that Herald itself is about to remove `sourceKey` (quarantine), as `versionId` once known, so
   * the delete event that follows withdraws nothing.
   */
  expectRemoval(sourceKey: string, now: Date, versionId?: string): Promise<void>;
  /** True (once) when this removal of `sourceKey` is the one Herald announced. */
  takeExpectedRemoval(sourceKey: string, versionId: string | undefined, now: Date): Promise<boolean>;
  /** A version's body HTML, from the item or from where a large one is kept. */
  loadBody(version: ArticleVersion): Promise<string>;
  /** Marks the version that came from `sourceKey` withdrawn; undefined when no version came from it. */
  withdrawBySource(sourceKey: string, now: Date): Promise<ArticleRef | undefined>;
  /** Which of these versions are withdrawn. */
  withdrawnAmong(refs: readonly ArticleRef[]): Promise<ArticleRef[]>;
  /**
   * Claims the right to mail this version: its (article, language) was never mailed, nor were these
   * bytes under any other key. True when this caller holds the claim: it is new, or an earlier claim
   * was never planned and its lease ran out. A corrected version of a mailed article is not mailed again.
   */
  claimMailing(version: ArticleVersion, leaseMs: number, now: Date): Promise<boolean>;
  /** Remembers a version as published for mail, for the daily and weekly digests that gather it later. */
  recordPublished(version: ArticleVersion): Promise<void>;
  /** The versions published for mail in (since, until], oldest first, each once. */
  listPublished(since: Date, until: Date): Promise<ArticleRef[]>;
  /** Gives a claim back when planning failed, so the retried event can mail the content. */
  releaseMailing(version: ArticleVersion): Promise<void>;
  /** Marks claimed content as planned into a digest: it will not be mailed again. */
  markMailingPlanned(version: ArticleVersion, digestId: string): Promise<void>;
}
