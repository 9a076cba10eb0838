import type { ArticleVersion } from '#core/documents/article.ts';
import { decodeDocument } from '#core/documents/decode.ts';
import { isTruthyFlag, optionalArticleId } from '#core/documents/formats/fields.ts';
import { readKey, sha256Hex, unsafeKeyReason } from '#core/documents/keys.ts';
import { parseDocument } from '#core/documents/parse-document.ts';
import type { ObjectChange } from '#core/documents/s3-notification.ts';
import { summarize } from '#core/documents/summary.ts';
import { DocumentRejectedError, type RejectionReason } from '#core/errors.ts';
import type { ArticleRef, ArticleStore, DocumentSource, Quarantine } from '#ports/index.ts';

export interface IngestPorts {
  readonly documents: DocumentSource;
  readonly quarantine: Quarantine;
  readonly articles: ArticleStore;
}

export interface IngestSettings {
  readonly documentsPrefix: string;
  readonly maxDocumentBytes: number;
  readonly timeZone: string;
  /** How long a mailing claim is held before another delivery of the same event may take it over. */
  readonly claimLeaseMs: number;
}

export type IngestOutcome =
  | { readonly kind: 'ignored'; readonly key: string; readonly why: string }
  | {
      readonly kind: 'quarantined';
      readonly key: string;
      readonly reason: RejectionReason;
      readonly message: string;
      readonly quarantineKey: string;
    }
  | { readonly kind: 'stored'; readonly version: ArticleVersion; readonly mail: boolean }
  | { readonly kind: 'withdrawn'; readonly key: string; readonly ref: ArticleRef };

/**
 * Turns one object change into a stored article version, a withdrawal, or a quarantined document with
 * the reason. `mail` is true only for an (article, language) never mailed before, whose bytes were never
 * mailed under another key either: a redelivered event, a re-upload, a new S3 version or a corrected
 * text store the article but mail no one; so does a document marked archive-only.
 */
export async function ingestDocument(
  ports: IngestPorts,
  settings: IngestSettings,
  change: ObjectChange,
  now: Date,
): Promise<IngestOutcome> {
  const { key } = change;
  if (!key.startsWith(settings.documentsPrefix))
    return { kind: 'ignored', key, why: 'outside the documents prefix' };
  if (change.kind === 'removed') {
    const ref = await ports.articles.withdrawBySource(key, now);
    return ref
      ? { kind: 'withdrawn', key, ref }
      : { kind: 'ignored', key, why: 'no article came from this object' };
  }
  const unsafe = unsafeKeyReason(key.slice(settings.documentsPrefix.length));
  if (unsafe === 'a folder marker') return { kind: 'ignored', key, why: unsafe };
  if (unsafe) {
    const message = `${unsafe}: rename the document (keys are names like documents/<article>/<lang>.md)`;
    const { quarantineKey } = await ports.quarantine.quarantine({
      key,
      reason: 'unsafe-key',
      message,
      at: now.toISOString(),
    });
    return { kind: 'quarantined', key, reason: 'unsafe-key', message, quarantineKey };
  }
  const object = await ports.documents.get(key);
  if (!object) return { kind: 'ignored', key, why: 'the object no longer exists' };

  const facts = readKey(key.slice(settings.documentsPrefix.length));
  try {
    const text = decodeDocument(object.bytes, settings.maxDocumentBytes);
    const parsed = parseDocument(key, text, facts.langHint, settings.timeZone);
    const version: ArticleVersion = {
      ...parsed,
      articleId: parsed.articleId ?? optionalArticleId(object.metadata['article-id']) ?? facts.articleId,
      archiveOnly: parsed.archiveOnly || isTruthyFlag(object.metadata['archive-only']),
      summary: parsed.summary ?? summarize(parsed.paragraphs, parsed.lang),
      sourceKey: key,
      contentHash: sha256Hex(object.bytes),
      timeZone: settings.timeZone,
      ingestedAt: now.toISOString(),
    };
    await ports.articles.putVersion(version);
    const mail =
      !version.archiveOnly && (await ports.articles.claimMailing(version, settings.claimLeaseMs, now));
    if (mail) await ports.articles.recordPublished(version);
    return { kind: 'stored', version, mail };
  } catch (error) {
    if (!(error instanceof DocumentRejectedError)) throw error;
    const { quarantineKey } = await ports.quarantine.quarantine({
      key,
      reason: error.reason,
      message: error.message,
      at: now.toISOString(),
    });
    return { kind: 'quarantined', key, reason: error.reason, message: error.message, quarantineKey };
  }
}
