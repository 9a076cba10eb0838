import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoRateLimiter, DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { SesMailer } from '#adapters/ses-mailer.ts';
import { SqsPublicMailQueue } from '#adapters/sqs-send-queue.ts';
import { loadAddressKey, loadTokenKeys } from '#adapters/token-keys.ts';
import { dailySendQuota, type SendingClients, sendingLimits } from '#builders/sending.ts';
import { env, readEnv } from '#config/env.ts';
import { SendPace } from '#core/delivery/pace.ts';
import type { PublicMailPorts, PublicMailSettings } from '#core/public-mail/deliver.ts';
import { PacedQuotaMailer } from '#core/public-mail/paced-mailer.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';
import { publicMailRate } from '#core/public-mail/rate.ts';

/** The configuration the public-mail worker reads at cold start. */
export const publicMailEnv = {
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
};

export type PublicMailConfig = ReturnType<typeof readEnv<typeof publicMailEnv>>;

/**
 * The public-mail worker's wiring: its share of the account's rate (a tenth at most) and the daily
 * quota it shares with the digests, the stores and limits its mails are decided by, and its own queue
 * a waiting job goes back to.
 */
export async function publicMail(
  config: PublicMailConfig = readEnv(publicMailEnv),
  clients: SendingClients = {},
) {
  // The public's mails share the quota the digests use, and a tenth of the rate at most.
  const { accountRate, dailyQuota } = await sendingLimits(config, clients);
  const rate =
    publicMailRate(accountRate, config.HERALD_PUBLIC_MAIL_RATE) / config.HERALD_PUBLIC_MAIL_CONCURRENCY;

  const ports: PublicMailPorts & { queue: PublicMailQueue } = {
    queue: new SqsPublicMailQueue(config.HERALD_PUBLIC_MAIL_QUEUE_URL),
    subscribers: new DynamoSubscriberStore(config.HERALD_TABLE),
    suppressions: new DynamoSuppressionList(config.HERALD_TABLE),
    optOuts: new DynamoSuppressionList(config.HERALD_TABLE, 'NOSUGGEST'),
    limits: new DynamoRateLimiter(config.HERALD_TABLE),
    articles: new DynamoArticleStore(config.HERALD_TABLE),
    templates: new FileTemplateSource(config.HERALD_TEMPLATES_DIR),
    mailer: new PacedQuotaMailer(
      new SesMailer(config.HERALD_SES_CONFIGURATION_SET),
      new SendPace(rate, { ceilingPerSecond: rate }),
      dailySendQuota(config.HERALD_TABLE, dailyQuota, config.HERALD_QUOTA_WINDOW_SECONDS),
    ),
  };
  const settings: PublicMailSettings = {
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
  return { ports, settings };
}
