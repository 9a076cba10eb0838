import { S3DocumentSource, S3Quarantine } from '#adapters/s3-documents.ts';
import { publishing } from '#builders/publishing.ts';
import { env, readEnv } from '#config/env.ts';
import { ImmediateMailing } from '#core/digests/immediate-mailing.ts';
import type { PlannedDigest } from '#core/digests/publish.ts';
import { type IngestOutcome, type IngestSettings, ingestDocument } from '#core/documents/ingest.ts';
import type { ObjectChange } from '#core/documents/s3-notification.ts';

/** The configuration the ingest function reads at cold start, besides publishing's. */
export const ingestEnv = {
  HERALD_BUCKET: env.HERALD_BUCKET,
  HERALD_DOCUMENTS_PREFIX: env.HERALD_DOCUMENTS_PREFIX,
  HERALD_TIME_ZONE: env.HERALD_TIME_ZONE,
  HERALD_MAX_DOCUMENT_BYTES: env.HERALD_MAX_DOCUMENT_BYTES,
};

export type IngestConfig = ReturnType<typeof readEnv<typeof ingestEnv>>;

/** One batch of object changes: each ingested (and claimed for mailing), then all published together. */
export interface IngestBatch {
  ingest(change: ObjectChange, now: Date): Promise<IngestOutcome>;
  /** The immediate digests of every version this batch claimed; the claims are settled or given back. */
  publish(now: Date): Promise<PlannedDigest[]>;
}

/**
 * The ingest function's wiring: the documents bucket and its quarantine, the article store, and
 * publishing; `batch()` starts one batch's mailing claim.
 */
export function documentIngest(
  config: IngestConfig = readEnv(ingestEnv),
  publisher: ReturnType<typeof publishing> = publishing(),
) {
  const { articles } = publisher.ports;
  const documents = new S3DocumentSource(config.HERALD_BUCKET);
  const quarantine = new S3Quarantine(config.HERALD_BUCKET, config.HERALD_DOCUMENTS_PREFIX);
  const settings: IngestSettings = {
    documentsPrefix: config.HERALD_DOCUMENTS_PREFIX,
    maxDocumentBytes: config.HERALD_MAX_DOCUMENT_BYTES,
    timeZone: config.HERALD_TIME_ZONE,
  };
  return {
    settings,
    batch(): IngestBatch {
      const mailing = new ImmediateMailing(articles);
      const ports = { documents, quarantine, articles, mailing };
      return {
        ingest: (change, now) => ingestDocument(ports, settings, change, now),
        publish: (now) => mailing.publish(publisher.ports, publisher.settings, now),
      };
    },
  };
}
