import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentIngest } from '#builders/ingest.ts';
import type { IngestOutcome } from '#core/documents/ingest.ts';
import { objectChanges } from '#core/documents/s3-notification.ts';
import { loggingFailures } from '#handlers/shared/batch.ts';
import { s3Notification } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics } from '#handlers/shared/metrics.ts';
import { observed } from '#handlers/shared/observed.ts';

const ingest = documentIngest();

/** Logs and counts one outcome: keys and ids only, never a document's content. */
function report(outcome: IngestOutcome): void {
  const count = (name: string) => metrics.addMetric(name, MetricUnit.Count, 1);
  const key = outcome.kind === 'stored' ? outcome.version.sourceKey : outcome.key;
  if (outcome.kind === 'ignored') logger.info('event ignored', { key, why: outcome.why });
  if (outcome.kind === 'quarantined') {
    logger.warn('document quarantined', { key, reason: outcome.reason, detail: outcome.message });
    count('documentsQuarantined');
  }
  if (outcome.kind === 'withdrawn') {
    logger.info('article withdrawn', { key, ...outcome.ref });
    count('articlesWithdrawn');
  }
  if (outcome.kind === 'stored') {
    const { articleId, lang, archiveOnly } = outcome.version;
    logger.info('article stored', { articleId, lang, key, mail: outcome.mail, archiveOnly });
    count('documentsIngested');
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
    const batch = ingest.batch();
    const response = await processPartialResponse(
      event,
      loggingFailures('ingest', async (record: SQSRecord) => {
        const notification = s3Notification('ingest', record);
        if (notification.test) logger.info('S3 test event acknowledged', { messageId: record.messageId });
        for (const change of objectChanges(notification.records)) {
          report(await batch.ingest(change, new Date()));
        }
      }),
      new BatchProcessor(EventType.SQS),
      { context, processInParallel: false },
    );
    // Every version this batch claimed, published together; a failure gives the claims back and is retried.
    for (const digest of await batch.publish(new Date())) logger.info('digest planned', { ...digest });
    return response;
  },
);
