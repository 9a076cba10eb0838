import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { S3DocumentSource, S3Quarantine } from '#adapters/s3-documents.ts';
import { env, readEnv } from '#config/env.ts';
import { publishImmediateDigests } from '#core/digests/publish.ts';
import type { ArticleVersion } from '#core/documents/article.ts';
import { type IngestOutcome, ingestDocument } from '#core/documents/ingest.ts';
import { objectChanges } from '#core/documents/s3-notification.ts';
import { loggingFailures } from '#handlers/shared/batch.ts';
import { s3Notification } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics } from '#handlers/shared/metrics.ts';
import { observed } from '#handlers/shared/observed.ts';
import { publishingFromEnv } from '#handlers/shared/publishing.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_BUCKET: env.HERALD_BUCKET,
  HERALD_DOCUMENTS_PREFIX: env.HERALD_DOCUMENTS_PREFIX,
  HERALD_TIME_ZONE: env.HERALD_TIME_ZONE,
  HERALD_MAX_DOCUMENT_BYTES: env.HERALD_MAX_DOCUMENT_BYTES,
});
const publishing = publishingFromEnv();
const { articles } = publishing.ports;
const ingestPorts = {
  documents: new S3DocumentSource(config.HERALD_BUCKET),
  quarantine: new S3Quarantine(config.HERALD_BUCKET, config.HERALD_DOCUMENTS_PREFIX),
  articles,
};
const settings = {
  documentsPrefix: config.HERALD_DOCUMENTS_PREFIX,
  maxDocumentBytes: config.HERALD_MAX_DOCUMENT_BYTES,
  timeZone: config.HERALD_TIME_ZONE,
  claimLeaseMs: 120_000,
};

/** Logs and counts one outcome: keys and ids only, never a document's content. */
function report(outcome: IngestOutcome): void {
  switch (outcome.kind) {
    case 'quarantined':
      logger.warn('document quarantined', {
        key: outcome.key,
        reason: outcome.reason,
        detail: outcome.message,
      });
      metrics.addMetric('documentsQuarantined', MetricUnit.Count, 1);
      break;
    case 'ignored':
      logger.info('event ignored', { key: outcome.key, why: outcome.why });
      break;
    case 'withdrawn':
      logger.info('article withdrawn', { key: outcome.key, ...outcome.ref });
      metrics.addMetric('articlesWithdrawn', MetricUnit.Count, 1);
      break;
    case 'stored': {
      const { articleId, lang, sourceKey, archiveOnly } = outcome.version;
      logger.info('article stored', { articleId, lang, key: sourceKey, mail: outcome.mail, archiveOnly });
      metrics.addMetric('documentsIngested', MetricUnit.Count, 1);
    }
  }
}

/**
 * S3 event notifications (via the ingest queue) → articles → immediate digests for the whole batch, so
 * documents uploaded together arrive in one mail. A bad document is quarantined and the batch goes on;
 * only infrastructure failures are retried (and end in the DLQ).
 */
export const handler = observed(
  'ingest',
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const toMail: ArticleVersion[] = [];
    const response = await processPartialResponse(
      event,
      loggingFailures('ingest', async (record: SQSRecord) => {
        const notification = s3Notification('ingest', record);
        if (notification.test) logger.info('S3 test event acknowledged', { messageId: record.messageId });
        for (const change of objectChanges(notification.records)) {
          const outcome = await ingestDocument(ingestPorts, settings, change, new Date());
          report(outcome);
          if (outcome.kind === 'stored' && outcome.mail) toMail.push(outcome.version);
        }
      }),
      new BatchProcessor(EventType.SQS),
      { context, processInParallel: false },
    );
    if (toMail.length > 0) {
      try {
        const planned = await publishImmediateDigests(
          publishing.ports,
          publishing.settings,
          toMail,
          new Date(),
        );
        for (const digest of planned) logger.info('digest planned', { ...digest });
      } catch (error) {
        await Promise.allSettled(toMail.map((version) => articles.releaseMailing(version)));
        throw error;
      }
    }
    return response;
  },
);
