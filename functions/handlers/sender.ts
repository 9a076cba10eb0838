import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { delivery } from '#builders/delivery.ts';
import { DeliveryIncompleteError, deliverSendJob } from '#core/delivery/deliver.ts';
import { MAX_RECIPIENTS_PER_JOB } from '#core/digests/digest.ts';
import { loggingFailures } from '#handlers/shared/batch.ts';
import { sqsBody } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics } from '#handlers/shared/metrics.ts';
import { observed } from '#handlers/shared/observed.ts';

const { ports, settings } = await delivery();

const sendJobSchema = z.object({
  digestId: z.string().check(z.regex(/^d_[0-9a-f]+$/)),
  render: z.optional(z.string().check(z.regex(/^d_[0-9a-f]+$/))),
  subscriberIds: z
    .array(z.string().check(z.minLength(1)))
    .check(z.minLength(1), z.maxLength(MAX_RECIPIENTS_PER_JOB)),
});

/**
 * Send jobs → one SES mail per recipient. A failed job is retried alone (partial batch response); a job
 * that must wait has put its rest back on the send queue itself, and this message is done.
 */
export const handler = observed(
  'sender',
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    return await processPartialResponse(
      event,
      loggingFailures('send job', async (record: SQSRecord) => {
        const job = sqsBody('sender', record, sendJobSchema, 'a send job');
        const timeLeftMs = () => context.getRemainingTimeInMillis();
        const outcome = await deliverSendJob({ ...ports, timeLeftMs }, settings, job, () => new Date()).catch(
          (error: unknown) => {
            if (error instanceof DeliveryIncompleteError)
              metrics.addMetric('mailsFailed', MetricUnit.Count, error.failed);
            throw error;
          },
        );
        const { report } = outcome;
        metrics.addMetric('mailsSent', MetricUnit.Count, report.sent);
        metrics.addMetric('mailsSkipped', MetricUnit.Count, report.skipped);
        metrics.addMetric('mailsFailed', MetricUnit.Count, report.failed);
        if (outcome.kind === 'done')
          return logger.info('send job done', { digestId: job.digestId, ...report });
        const { reason, remaining, delaySeconds } = outcome;
        logger.warn('send job deferred', {
          digestId: job.digestId,
          reason,
          remaining: remaining.length,
          delaySeconds,
        });
        if (reason === 'throttled') metrics.addMetric('sesThrottled', MetricUnit.Count, 1);
        else if (reason !== 'in-flight' && reason !== 'time')
          metrics.addMetric('sendingPaused', MetricUnit.Count, 1);
      }),
      new BatchProcessor(EventType.SQS),
      { context },
    );
  },
);
