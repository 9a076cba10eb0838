import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { publicMail } from '#builders/public-mail.ts';
import {
  AccountRefusedError,
  DailyQuotaExceededError,
  RecipientRejectedError,
} from '#core/delivery/send-errors.ts';
import { LANGUAGES } from '#core/i18n/languages.ts';
import { deliverPublicMail } from '#core/public-mail/deliver.ts';
import type { QueuedPublicMail } from '#core/public-mail/jobs.ts';
import { PublicMailWaitError } from '#core/public-mail/paced-mailer.ts';
import { CADENCES } from '#core/subscriptions/subscriber.ts';
import { loggingFailures } from '#handlers/shared/batch.ts';
import { sqsBody } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metricName, metrics } from '#handlers/shared/metrics.ts';
import { observed } from '#handlers/shared/observed.ts';

const { ports, settings, queue } = await publicMail();

const waited = { waited: z.number().int().nonnegative().optional() };
const jobSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('subscribe'),
    email: z.string().max(320),
    lang: z.enum(LANGUAGES),
    cadence: z.enum(CADENCES),
    topics: z.array(z.string().max(40)).max(10),
    clientAddress: z.string().max(100),
    source: z.enum(['page', 'api']),
    ...waited,
  }),
  z.object({ kind: z.literal('welcome'), subscriberId: z.string().max(64), ...waited }),
  z.object({
    kind: z.literal('link'),
    subscriberId: z.string().max(64),
    link: z.enum(['data', 'erase']),
    ...waited,
  }),
  z.object({
    kind: z.literal('suggestion'),
    articleId: z.string().max(80),
    lang: z.enum(LANGUAGES),
    senderName: z.string().max(200),
    note: z.string().max(2000).optional(),
    friend: z.string().max(320),
    ...waited,
  }),
]);

/** A job that waited this often (about a day of 15-minute waits) is given up, and said so. */
const MAX_WAITS = 96;

/** Puts a job back to wait (the daily quota, or an account-level refusal), or gives it up after a day. */
async function wait(job: QueuedPublicMail, reason: string, delaySeconds: number) {
  const waits = (job.waited ?? 0) + 1;
  if (waits > MAX_WAITS) {
    logger.error('public mail given up after waiting a day', { kind: job.kind, reason });
    metrics.addMetric('publicMailGivenUp', MetricUnit.Count, 1);
    return;
  }
  await queue.enqueue([{ ...job, waited: waits }], delaySeconds);
  logger.warn('public mail waits', { kind: job.kind, reason, delaySeconds });
  metrics.addMetric('publicMailWaiting', MetricUnit.Count, 1);
}

/**
 * The public-mail worker: confirmations, welcomes, data links and suggestions, each decided and sent
 * here, paced under its share of the account's rate and counted in the daily quota. Infrastructure
 * faults are retried (and may end in the DLQ); a full quota or an account-level refusal makes the job
 * wait; an address SES will not take is dropped.
 */
export const handler = observed(
  'public-mail',
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    return await processPartialResponse(
      event,
      loggingFailures('public mail', async (record: SQSRecord) => {
        const job = sqsBody('public-mail', record, jobSchema, 'a public-mail job') as QueuedPublicMail;
        try {
          const outcome = await deliverPublicMail(ports, settings, job, new Date());
          logger.info('public mail', { kind: job.kind, outcome });
          metrics.addMetric(metricName('publicMail', outcome), MetricUnit.Count, 1);
        } catch (error) {
          if (error instanceof PublicMailWaitError) return wait(job, error.message, error.delaySeconds);
          if (error instanceof DailyQuotaExceededError) return wait(job, error.message, 900);
          if (error instanceof AccountRefusedError) {
            metrics.addMetric('sendingPaused', MetricUnit.Count, 1);
            return wait(job, error.message, 300);
          }
          if (error instanceof RecipientRejectedError) {
            logger.warn('public mail refused for its address', { kind: job.kind });
            metrics.addMetric('publicMailRejected', MetricUnit.Count, 1);
            return;
          }
          throw error;
        }
      }),
      new BatchProcessor(EventType.SQS),
      { context, processInParallel: false },
    );
  },
);
