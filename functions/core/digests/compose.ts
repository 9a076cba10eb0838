import { type Digest, digestIdFor } from '#core/digests/digest.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import { LANGUAGES, type Language } from '#core/i18n/languages.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';

/** Who receives a digest: confirmed readers of a language and cadence. */
export interface Audience {
  readonly lang: Language;
  readonly cadence: Cadence;
  /** Only readers who also want articles that have no version in their language. */
  readonly alsoOriginalOnly: boolean;
  /** Leave out those readers (they get a variant of their own). */
  readonly excludeAlsoOriginal: boolean;
}

export interface PlannedVariant {
  readonly digest: Digest;
  readonly audience: Audience;
  /** Articles some of this audience may already have received in another language: check receipts. */
  readonly checkReceipts: readonly string[];
}

/**
 * Turns newly mailable versions into the digest variants of a cadence, per reader language: readers get the versions in
 * their language; readers who asked for it also get, in the original language, articles that have no
 * version in theirs. An article that was mailed before in another language is checked against receipts,
 * so a translation arriving later never reaches a reader who already got the article.
 *
 * `stored` holds every stored version of the batch's articles (the batch's own included).
 */
export function composeDigests(
  batch: readonly ArticleVersion[],
  stored: ReadonlyMap<string, readonly ArticleVersion[]>,
  cadence: Cadence,
): PlannedVariant[] {
  const inBatch = (v: ArticleVersion) => batch.some((b) => b.articleId === v.articleId && b.lang === v.lang);
  const mailedBefore = new Set(
    [...stored.values()]
      .flat()
      .filter((v) => !inBatch(v) && !v.withdrawnAt && !v.archiveOnly)
      .map((v) => v.articleId),
  );
  const articleIds = [...new Set(batch.map((v) => v.articleId))];
  const variants: PlannedVariant[] = [];

  for (const lang of LANGUAGES) {
    const own = batch.filter((v) => v.lang === lang);
    const foreign = articleIds
      .filter(
        (id) =>
          !(stored.get(id) ?? []).some((v) => v.lang === lang && !v.withdrawnAt) &&
          !own.some((v) => v.articleId === id),
      )
      .map((id) => originalVersion(batch.filter((v) => v.articleId === id)));

    if (own.length > 0) {
      variants.push({
        digest: { id: digestIdFor(cadence, lang, own), cadence, lang, articles: own },
        audience: {
          lang,
          cadence,
          alsoOriginalOnly: false,
          excludeAlsoOriginal: foreign.length > 0 || own.some((v) => mailedBefore.has(v.articleId)),
        },
        checkReceipts: [],
      });
    }
    const withForeign = [...own, ...foreign];
    const checkReceipts = withForeign.filter((v) => mailedBefore.has(v.articleId)).map((v) => v.articleId);
    if (foreign.length > 0 || checkReceipts.length > 0) {
      variants.push({
        digest: {
          id: digestIdFor(cadence, lang, withForeign, 'also-original'),
          cadence,
          lang,
          articles: withForeign,
        },
        audience: { lang, cadence, alsoOriginalOnly: true, excludeAlsoOriginal: false },
        checkReceipts,
      });
    }
  }
  return variants;
}

/** The version an article was first published in. */
function originalVersion(versions: readonly ArticleVersion[]): ArticleVersion {
  return [...versions].sort(
    (a, b) => a.ingestedAt.localeCompare(b.ingestedAt) || a.sourceKey.localeCompare(b.sourceKey),
  )[0]!;
}
