import { gateSesCalls } from '#adapters/clients.ts';
import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoArticleStore } from '#adapters/dynamodb-articles.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoReceipts } from '#adapters/dynamodb-receipts.ts';
import { DynamoSendingSwitch } from '#adapters/dynamodb-sending.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { SesMailer } from '#adapters/ses-mailer.ts';
import { SqsSendQueue } from '#adapters/sqs-send-queue.ts';
import { loadAddressKey, loadTokenKeys } from '#adapters/token-keys.ts';
import { cachedFor } from '#builders/cache.ts';
import { dailySendQuota, type SendingClients, sendingLimits } from '#builders/sending.ts';
import { env, readEnv } from '#config/env.ts';
import { bulkSizeFor, senderPace, senderShare } from '#core/delivery/account-share.ts';
import type { DeliveryPorts, DeliverySettings } from '#core/delivery/deliver.ts';
import { BulkSize, SendCeiling, SendPace } from '#core/delivery/pace.ts';

/** The configuration a digest sender reads at cold start. */
export const deliveryEnv = {
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
};

export type DeliveryConfig = ReturnType<typeof readEnv<typeof deliveryEnv>>;

/**
 * The most readers in one SES call: SendBulkEmail takes 50 entries, and the sender claims its rows 25 at
 * a time (a call never spans two windows).
 */
export const MAX_BULK_ENTRIES = 25;

/** How long a digest's control and the sending switch are cached: a pause takes hold within it. */
export const CONTROL_CACHE_MS = 1000;

/**
 * The digest sender's wiring, built once at cold start: its share of the account's rate and the pace
 * under it, the shared daily quota, the ledger, the mailer, the send queue deferred jobs go back to,
 * and a digest's control read at most once a second.
 */
export async function delivery(
  config: DeliveryConfig = readEnv(deliveryEnv),
  clients: SendingClients = {},
): Promise<{ readonly ports: DeliveryPorts; readonly settings: DeliverySettings }> {
  const { accountRate, dailyQuota } = await sendingLimits(config, clients);
  const share = senderShare(accountRate, config.HERALD_PUBLIC_MAIL_RATE, config.HERALD_SENDER_CONCURRENCY);
  const pace = senderPace(share);
  const late = new SendCeiling(pace.late.most, pace.late.windowMs, { warm: true, settles: true });
  gateSesCalls((mails) => late.pass(mails));
  const digestStore = new AwsDigestStore(config.HERALD_TABLE, config.HERALD_BUCKET);
  const sendingSwitch = new DynamoSendingSwitch(config.HERALD_TABLE);
  const recordOf = cachedFor(CONTROL_CACHE_MS, (digestId: string) => digestStore.getRecord(digestId));
  const switchState = cachedFor(CONTROL_CACHE_MS, (_: undefined) => sendingSwitch.get());
  const ports: DeliveryPorts = {
    suppressions: new DynamoSuppressionList(config.HERALD_TABLE),
    pace: new SendPace(pace.ratePerSecond, { ceilingPerSecond: pace.ceilingPerSecond }),
    // A call carries at most a claim window, in calls that fill the late ceiling's window.
    bulk: new BulkSize(bulkSizeFor(pace.late.most, MAX_BULK_ENTRIES)),
    sending: { get: () => switchState(undefined) },
    quota: dailySendQuota(config.HERALD_TABLE, dailyQuota, config.HERALD_QUOTA_WINDOW_SECONDS),
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
    sendQueue: new SqsSendQueue(config.HERALD_SEND_QUEUE_URL),
  };
  const settings: DeliverySettings = {
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
  return { ports, settings };
}
