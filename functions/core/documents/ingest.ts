import type { ArticleVersion } from '#core/documents/article.ts';
import { decodeDocument } from '#core/documents/decode.ts';
import { classifyIngestFailure, readingTheDocument } from '#core/documents/faults.ts';
import { isTruthyFlag, optionalArticleId } from '#core/documents/formats/fields.ts';
import { readKey, sha256Hex, unsafeKeyReason } from '#core/documents/keys.ts';
import { parseDocument } from '#core/documents/parse-document.ts';
import type { ArticleRef, ArticleStore, DocumentSource, Quarantine } from '#core/documents/ports.ts';
import type { ObjectChange } from '#core/documents/s3-notification.ts';
import { summarize } from '#core/documents/summary.ts';
import type { RejectionReason } from '#core/errors.ts';

export interface IngestPorts {
  readonly documents: DocumentSource;
  readonly quarantine: Quarantine;
  readonly articles: ArticleStore;
  /** Takes the claim for mailing a stored version (see `ImmediateMailing`, which also settles it). */
  readonly mailing: { claim(version: ArticleVersion, now: Date): Promise<boolean> };
}

export interface IngestSettings {
  readonly documentsPrefix: string;
  readonly maxDocumentBytes: number;
  readonly timeZone: string;
}

export type IngestOutcome =
  | { readonly kind: 'ignored'; readonly key: string; readonly why: string }
  | {
      readonly kind: 'quarantined';
      readonly key: string;
      readonly reason: RejectionReason;
      readonly message: string;
      readonly quarantineKey: string;
      /** The live version this upload was meant to replace: it stays live. */
      readonly replaces?: ArticleRef;
    }
  | { readonly kind: 'stored'; readonly version: ArticleVersion; readonly mail: boolean }
  | { readonly kind: 'withdrawn'; readonly key: string; readonly ref: ArticleRef };

/**
 * Turns one object change into a stored article version, a withdrawal, or a quarantined document with
 * the reason. `mail` is true only for an (article, language) never mailed before, whose bytes were never
 * mailed under another key either: a redelivered event, a re-upload, a new S3 version or a corrected
 * text store the article but mail no one; so does a document marked archive-only.
 *
 * Whatever is the document's fault quarantines it (`classifyIngestFailure` decides); only
 * infrastructure failures are thrown, to be retried. Limits come before work: the size the event
 * reports, then a bounded read, then the parsers' own depth and shape checks.
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
    // Herald's own removal of a rejected upload: the version live before it stays live.
    if (await ports.articles.takeExpectedRemoval(key, change.versionId, now))
      return { kind: 'ignored', key, why: 'Herald moved it to quarantine: nothing is withdrawn' };
    const ref = await ports.articles.withdrawBySource(key, now);
    return ref
      ? { kind: 'withdrawn', key, ref }
      : { kind: 'ignored', key, why: 'no article came from this object' };
  }
  const reject = (reason: RejectionReason, message: string) =>
    quarantine(ports, { key, reason, message }, now);

  const unsafe = unsafeKeyReason(key.slice(settings.documentsPrefix.length));
  if (unsafe === 'a folder marker') return { kind: 'ignored', key, why: unsafe };
  if (unsafe)
    return reject(
      'unsafe-key',
      `${unsafe}: rename the document (keys are names like documents/<article>/<lang>.md)`,
    );
  if (change.size !== undefined && change.size > settings.maxDocumentBytes)
    return reject(
      'too-large',
      `document is ${change.size} bytes; the limit is ${settings.maxDocumentBytes} bytes`,
    );
  // Read at most one byte past the limit (an empty object has no byte to start a range at).
  const object = await ports.documents.get(key, change.size === 0 ? undefined : settings.maxDocumentBytes);
  if (!object) return { kind: 'ignored', key, why: 'the object no longer exists' };

  const facts = readKey(key.slice(settings.documentsPrefix.length));
  try {
    const { paragraphs: _paragraphs, ...parsed } = readingTheDocument(() => {
      const text = decodeDocument(object.bytes, settings.maxDocumentBytes);
      const document = parseDocument(key, text, facts.langHint, settings.timeZone);
      return { ...document, summary: document.summary ?? summarize(document.paragraphs, document.lang) };
    });
    const version: ArticleVersion = {
      ...parsed,
      articleId: parsed.articleId ?? optionalArticleId(object.metadata['article-id']) ?? facts.articleId,
      archiveOnly: parsed.archiveOnly || isTruthyFlag(object.metadata['archive-only']),
      sourceKey: key,
      contentHash: sha256Hex(object.bytes),
      timeZone: settings.timeZone,
      ingestedAt: now.toISOString(),
    };
    await ports.articles.putVersion(version);
    const mail = await ports.mailing.claim(version, now);
    return { kind: 'stored', version, mail };
  } catch (error) {
    const fault = classifyIngestFailure(error);
    if (fault.owner === 'infrastructure') throw error;
    return reject(fault.reason, fault.message);
  }
}

/**
 * Moves a rejected upload out of the documents prefix with its reason. Its removal is announced first,
 * so the delete event it causes withdraws nothing: the article's last good version stays live, and the
 * reason names it.
 */
async function quarantine(
  ports: IngestPorts,
  rejected: { key: string; reason: RejectionReason; message: string },
  now: Date,
): Promise<IngestOutcome> {
  const replaces = await ports.articles.liveVersionFrom(rejected.key);
  await ports.articles.expectRemoval(rejected.key, now);
  const { quarantineKey, removedAs } = await ports.quarantine.quarantine({
    ...rejected,
    at: now.toISOString(),
    ...(replaces ? { replaces } : {}),
  });
  if (removedAs) await ports.articles.expectRemoval(rejected.key, now, removedAs);
  return { kind: 'quarantined', ...rejected, quarantineKey, ...(replaces ? { replaces } : {}) };
}
