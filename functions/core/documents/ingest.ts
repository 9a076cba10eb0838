import type { ArticleVersion } from '#core/documents/article.ts';
import { decodeDocument } from '#core/documents/decode.ts';
import { readKey, sha256Hex } from '#core/documents/keys.ts';
import { parseSeedPage } from '#core/documents/parse-seed-page.ts';
import type { ObjectChange } from '#core/documents/s3-notification.ts';
import { summarize } from '#core/documents/summary.ts';
import { DocumentRejectedError, type RejectionReason } from '#core/errors.ts';
import type { ArticleStore, DocumentSource, Quarantine } from '#ports/index.ts';

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
  | { readonly kind: 'stored'; readonly version: ArticleVersion; readonly mail: boolean };

/**
 * Turns one created object into a stored article version, or quarantines it with the reason. `mail`
 * is true only for content never mailed before: the same bytes again (a redelivered event, a
 * re-upload, a new S3 version) store the article but mail no one.
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
  if (change.kind !== 'created')
    return { kind: 'ignored', key, why: `${change.eventName} is not handled yet` };
  const object = await ports.documents.get(key);
  if (!object) return { kind: 'ignored', key, why: 'the object no longer exists' };

  const facts = readKey(key.slice(settings.documentsPrefix.length));
  try {
    const text = decodeDocument(object.bytes, settings.maxDocumentBytes);
    const parsed = parseSeedPage(text, facts.langHint);
    const version: ArticleVersion = {
      ...parsed,
      articleId: facts.articleId,
      summary: summarize(parsed.paragraphs, parsed.lang),
      sourceKey: key,
      contentHash: sha256Hex(object.bytes),
      timeZone: settings.timeZone,
      ingestedAt: now.toISOString(),
    };
    await ports.articles.putVersion(version);
    const mail = await ports.articles.claimMailing(version, settings.claimLeaseMs, now);
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
