import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoReceipts } from '#adapters/dynamodb-receipts.ts';
import { DynamoSendingSwitch, DynamoSendQuota, unlimitedQuota } from '#adapters/dynamodb-sending.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { SesMailer, sesSendQuota } from '#adapters/ses-mailer.ts';
import { SqsSendQueue } from '#adapters/sqs-send-queue.ts';
import { loadAddressKey, loadTokenKeys } from '#adapters/token-keys.ts';
import { env, readEnv } from '#config/env.ts';
import { DeliveryIncompleteError, deliverSendJob } from '#core/delivery/deliver.ts';
import { SendPace } from '#core/delivery/pace.ts';
import { JobDeferredError } from '#core/delivery/send-errors.ts';
import { MAX_RECIPIENTS_PER_JOB } from '#core/digests/digest.ts';
import { digestRate } from '#core/public-mail/rate.ts';
import { loggingFailures } from '#handlers/shared/batch.ts';
import { cachedFor } from '#handlers/shared/cache.ts';
import { sqsBody } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics } from '#handlers/shared/metrics.ts';
import { observed } from '#handlers/shared/observed.ts';

const config = readEnv({
  HERALD_TABLE: env.HERALD_TABLE,
  HERALD_BUCKET: env.HERALD_BUCKET,
  HERALD_FROM_ADDRESS: env.HERALD_FROM_ADDRESS,
  HERALD_SES_CONFIGURATION_SET: env.HERALD_SES_CONFIGURATION_SET,
  HERALD_PUBLIC_BASE_URL: env.HERALD_PUBLIC_BASE_URL,
  HERALD_TOKEN_KEYS: env.HERALD_TOKEN_KEYS,
  HERALD_TOKEN_KEYS_SECRET_ARN: env.HERALD_TOKEN_KEYS_SECRET_ARN,
  HERALD_ADDRESS_KEY: env.HERALD_ADDRESS_KEY,
  HERALD_ADDRESS_KEY_SECRET_ARN: env.HERALD_ADDRESS_KEY_SECRET_ARN,
  HERALD_SEND_QUEUE_URL: env.HERALD_SEND_QUEUE_URL,
  HERALD_MAX_SEND_RATE: env.HERALD_MAX_SEND_RATE,
  HERALD_PUBLIC_MAIL_RATE: env.HERALD_PUBLIC_MAIL_RATE,
  HERALD_SENDER_CONCURRENCY: env.HERALD_SENDER_CONCURRENCY,
  HERALD_THROTTLE_DEFER_SECONDS: env.HERALD_THROTTLE_DEFER_SECONDS,
  HERALD_PAUSE_DEFER_SECONDS: env.HERALD_PAUSE_DEFER_SECONDS,
  HERALD_DAILY_QUOTA: env.HERALD_DAILY_QUOTA,
  HERALD_QUOTA_WINDOW_SECONDS: env.HERALD_QUOTA_WINDOW_SECONDS,
  HERALD_SEND_LEASE_SECONDS: env.HERALD_SEND_LEASE_SECONDS,
  HERALD_MAX_FAILURE_STREAK: env.HERALD_MAX_FAILURE_STREAK,
});

/** The share of the rate the pace aims at. */
const PACE_HEADROOM = 0.95;

// The account's limits, asked of SES once at cold start when configuration does not set them.
const account =
  config.HERALD_MAX_SEND_RATE === undefined || config.HERALD_DAILY_QUOTA === undefined
    ? await sesSendQuota()
    : undefined;
const accountRate = config.HERALD_MAX_SEND_RATE ?? account!.maxSendRate;
// This sender's share of the account's rate: all senders together, with the public-mail worker, stay
// under SES's MaxSendRate.
const sendShare = digestRate(accountRate, config.HERALD_PUBLIC_MAIL_RATE) / config.HERALD_SENDER_CONCURRENCY;
// The quota is shared with the public's mails, which reserve in it too; 5 % of the account's is kept back.
const dailyQuota = config.HERALD_DAILY_QUOTA ?? Math.floor(account!.max24HourSend * 0.95);
const sendQueue = new SqsSendQueue(config.HERALD_SEND_QUEUE_URL);

// A digest's control and the sending switch are read at most once a second: a pause takes hold within it.
const digestStore = new AwsDigestStore(config.HERALD_TABLE, config.HERALD_BUCKET);
const sendingSwitch = new DynamoSendingSwitch(config.HERALD_TABLE);
const recordOf = cachedFor(1000, (digestId: string) => digestStore.getRecord(digestId));
const switchState = cachedFor(1000, () => sendingSwitch.get());

const ports = {
  suppressions: new DynamoSuppressionList(config.HERALD_TABLE),
  // 5 % below the share: the network and a busy event loop may bunch sends up a little on their way;
  // the share itself is the ceiling of any trailing second.
  pace: new SendPace(sendShare * PACE_HEADROOM, { ceilingPerSecond: sendShare }),
  sending: { get: () => switchState(undefined) },
  quota:
    dailyQuota > 0 && Number.isFinite(dailyQuota)
      ? new DynamoSendQuota(config.HERALD_TABLE, dailyQuota, config.HERALD_QUOTA_WINDOW_SECONDS)
      : unlimitedQuota,
  digests: {
    getRecord: recordOf,
    loadRendered: (renderId: string) => digestStore.loadRendered(renderId),
    setControl: digestStore.setControl.bind(digestStore),
    noteFailures: digestStore.noteFailures.bind(digestStore),
  },
  subscribers: new DynamoSubscriberStore(config.HERALD_TABLE),
  ledger: new DynamoSendLedger(config.HERALD_TABLE),
  mailer: new SesMailer(config.HERALD_SES_CONFIGURATION_SET),
  articles: new DynamoArticleStore(config.HERALD_TABLE),
  receipts: new DynamoReceipts(config.HERALD_TABLE),
};
const settings = {
  from: config.HERALD_FROM_ADDRESS,
  publicBaseUrl: config.HERALD_PUBLIC_BASE_URL,
  tokenKeys: await loadTokenKeys(config),
  addressKey: await loadAddressKey(config),
  sendLeaseMs: config.HERALD_SEND_LEASE_SECONDS * 1000,
  maxFailureStreak: config.HERALD_MAX_FAILURE_STREAK,
  deferSeconds: {
    throttled: config.HERALD_THROTTLE_DEFER_SECONDS,
    paused: config.HERALD_PAUSE_DEFER_SECONDS,
  },
};

const sendJobSchema = z.object({
  digestId: z.string().check(z.regex(/^d_[0-9a-f]+$/)),
  render: z.optional(z.string().check(z.regex(/^d_[0-9a-f]+$/))),
  subscriberIds: z
    .array(z.string().check(z.minLength(1)))
    .check(z.minLength(1), z.maxLength(MAX_RECIPIENTS_PER_JOB)),
});

/** Send jobs → one SES mail per recipient. A failed job is retried alone (partial batch response). */
export const handler = observed(
  'sender',
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    return await processPartialResponse(
      event,
      loggingFailures('send job', async (record: SQSRecord) => {
        const job = sqsBody('sender', record, sendJobSchema, 'a send job');
        try {
          const report = await deliverSendJob(
            { ...ports, timeLeftMs: () => context.getRemainingTimeInMillis() },
            settings,
            job,
            () => new Date(),
          );
          logger.info('send job done', { digestId: job.digestId, ...report });
          metrics.addMetric('mailsSent', MetricUnit.Count, report.sent);
          metrics.addMetric('mailsSkipped', MetricUnit.Count, report.skipped);
          metrics.addMetric('mailsFailed', MetricUnit.Count, report.failed);
        } catch (error) {
          if (error instanceof JobDeferredError) {
            if (error.remaining.length === 0) return;
            // The rest of the job waits as a new, delayed message; this one is done (it never reaches the DLQ).
            await sendQueue.enqueue([{ ...job, subscriberIds: [...error.remaining] }], error.delaySeconds);
            logger.warn('send job deferred', {
              digestId: job.digestId,
              reason: error.reason,
              remaining: error.remaining.length,
              delaySeconds: error.delaySeconds,
            });
            if (error.reason === 'throttled') metrics.addMetric('sesThrottled', MetricUnit.Count, 1);
            else if (!['in-flight', 'time'].includes(error.reason))
              metrics.addMetric('sendingPaused', MetricUnit.Count, 1);
            return;
          }
          if (error instanceof DeliveryIncompleteError)
            metrics.addMetric('mailsFailed', MetricUnit.Count, error.failed);
          throw error;
        }
      }),
      new BatchProcessor(EventType.SQS),
      { context },
    );
  },
);
