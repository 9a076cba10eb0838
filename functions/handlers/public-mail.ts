import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { DynamoSendQuota, unlimitedQuota } from '#adapters/dynamodb-sending.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoRateLimiter, DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { SesMailer, sesSendQuota } from '#adapters/ses-mailer.ts';
import { SqsPublicMailQueue } from '#adapters/sqs-send-queue.ts';
import { loadAddressKey, loadTokenKeys } from '#adapters/token-keys.ts';
import { env, readEnv } from '#config/env.ts';
import { SendPace } from '#core/delivery/pace.ts';
import {
  AccountRefusedError,
  DailyQuotaExceededError,
  RecipientRejectedError,
} from '#core/delivery/send-errors.ts';
import { LANGUAGES } from '#core/i18n/languages.ts';
import { deliverPublicMail } from '#core/public-mail/deliver.ts';
import type { QueuedPublicMail } from '#core/public-mail/jobs.ts';
import { PacedQuotaMailer, PublicMailWaitError } from '#core/public-mail/paced-mailer.ts';
import { publicMailRate } from '#core/public-mail/rate.ts';
import { CADENCES } from '#core/subscriptions/subscriber.ts';
import { loggingFailures } from '#handlers/shared/batch.ts';
import { sqsBody } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metricName, metrics } from '#handlers/shared/metrics.ts';
import { observed } from '#handlers/shared/observed.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_FROM_ADDRESS: env.HERALD_FROM_ADDRESS,
  HERALD_SES_CONFIGURATION_SET: env.HERALD_SES_CONFIGURATION_SET,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_PUBLISHER_NAME: env.HERALD_PUBLISHER_NAME,
  HERALD_POSTAL_ADDRESS: env.HERALD_POSTAL_ADDRESS,
  HERALD_TEMPLATES_DIR: env.HERALD_TEMPLATES_DIR,
  HERALD_TOKEN_KEYS: env.HERALD_TOKEN_KEYS,
  HERALD_TOKEN_KEYS_SECRET_ARN: env.HERALD_TOKEN_KEYS_SECRET_ARN,
  HERALD_ADDRESS_KEY: env.HERALD_ADDRESS_KEY,
  HERALD_ADDRESS_KEY_SECRET_ARN: env.HERALD_ADDRESS_KEY_SECRET_ARN,
  HERALD_PUBLIC_MAIL_QUEUE_URL: env.HERALD_PUBLIC_MAIL_QUEUE_URL,
  HERALD_MAX_SEND_RATE: env.HERALD_MAX_SEND_RATE,
  HERALD_PUBLIC_MAIL_RATE: env.HERALD_PUBLIC_MAIL_RATE,
  HERALD_PUBLIC_MAIL_CONCURRENCY: env.HERALD_PUBLIC_MAIL_CONCURRENCY,
  HERALD_DAILY_QUOTA: env.HERALD_DAILY_QUOTA,
  HERALD_QUOTA_WINDOW_SECONDS: env.HERALD_QUOTA_WINDOW_SECONDS,
  HERALD_CONFIRMATIONS_PER_MAILBOX_PER_DAY: env.HERALD_CONFIRMATIONS_PER_MAILBOX_PER_DAY,
  HERALD_CONFIRMATIONS_PER_DOMAIN_PER_HOUR: env.HERALD_CONFIRMATIONS_PER_DOMAIN_PER_HOUR,
  HERALD_SUGGEST_PER_FRIEND_PER_DAY: env.HERALD_SUGGEST_PER_FRIEND_PER_DAY,
  HERALD_SUGGEST_PER_DOMAIN_PER_HOUR: env.HERALD_SUGGEST_PER_DOMAIN_PER_HOUR,
});

// The account's limits, asked of SES once at cold start when configuration does not set them. The
// public's mails share the quota the digests use, and a tenth of the rate at most.
const account =
  config.HERALD_MAX_SEND_RATE === undefined || config.HERALD_DAILY_QUOTA === undefined
    ? await sesSendQuota()
    : undefined;
const rate =
  publicMailRate(config.HERALD_MAX_SEND_RATE ?? account!.maxSendRate, config.HERALD_PUBLIC_MAIL_RATE) /
  config.HERALD_PUBLIC_MAIL_CONCURRENCY;
const dailyQuota = config.HERALD_DAILY_QUOTA ?? Math.floor(account!.max24HourSend * 0.95);
const queue = new SqsPublicMailQueue(config.HERALD_PUBLIC_MAIL_QUEUE_URL);

const ports = {
  subscribers: new DynamoSubscriberStore(config.HERALD_TABLE),
  suppressions: new DynamoSuppressionList(config.HERALD_TABLE),
  optOuts: new DynamoSuppressionList(config.HERALD_TABLE, 'NOSUGGEST'),
  limits: new DynamoRateLimiter(config.HERALD_TABLE),
  articles: new DynamoArticleStore(config.HERALD_TABLE),
  templates: new FileTemplateSource(config.HERALD_TEMPLATES_DIR),
  mailer: new PacedQuotaMailer(
    new SesMailer(config.HERALD_SES_CONFIGURATION_SET),
    new SendPace(rate, { ceilingPerSecond: rate }),
    dailyQuota > 0
      ? new DynamoSendQuota(config.HERALD_TABLE, dailyQuota, config.HERALD_QUOTA_WINDOW_SECONDS)
      : unlimitedQuota,
  ),
};
const settings = {
  from: config.HERALD_FROM_ADDRESS,
  publisher: config.HERALD_PUBLISHER_NAME,
  publicBaseUrl: config.HERALD_PUBLIC_BASE_URL,
  postalAddress: config.HERALD_POSTAL_ADDRESS,
  tokenKeys: await loadTokenKeys(config),
  addressKey: await loadAddressKey(config),
  confirmHours: 48,
  linkMinutes: 60,
  subscription: {
    confirmationsPerMailboxPerDay: config.HERALD_CONFIRMATIONS_PER_MAILBOX_PER_DAY,
    confirmationsPerDomainPerHour: config.HERALD_CONFIRMATIONS_PER_DOMAIN_PER_HOUR,
  },
  suggestion: {
    perFriendPerDay: config.HERALD_SUGGEST_PER_FRIEND_PER_DAY,
    perDomainPerHour: config.HERALD_SUGGEST_PER_DOMAIN_PER_HOUR,
  },
};

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
