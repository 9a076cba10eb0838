import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoSendingSwitch } from '#adapters/dynamodb-sending.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { askAccountLimits, dailySendQuota, type SendingClients } from '#builders/sending.ts';
import { env, readEnv } from '#config/env.ts';
import { dailyQuotaOf } from '#core/delivery/account-share.ts';

/** What an operator's command reads of its environment: the quota it reports on, as the senders count it. */
export const operatorEnv = {
  HERALD_DAILY_QUOTA: env.HERALD_DAILY_QUOTA,
  HERALD_QUOTA_WINDOW_SECONDS: env.HERALD_QUOTA_WINDOW_SECONDS,
};

export type OperatorConfig = ReturnType<typeof readEnv<typeof operatorEnv>>;

/**
 * The stores an operator's commands work on, in one stack's table and bucket: digests, the ledger, the
 * sending switch, subscribers, and the daily quota exactly as the senders reserve in it.
 */
export async function operatorStores(
  stack: { readonly table: string; readonly bucket: string },
  config: OperatorConfig = readEnv(operatorEnv),
  clients: SendingClients = {},
) {
  const { table, bucket } = stack;
  const dailyQuota =
    config.HERALD_DAILY_QUOTA ?? dailyQuotaOf((await askAccountLimits(clients)).max24HourSend);
  return {
    table,
    digests: new AwsDigestStore(table, bucket),
    ledger: new DynamoSendLedger(table),
    sending: new DynamoSendingSwitch(table),
    subscribers: new DynamoSubscriberStore(table),
    quota: dailySendQuota(table, dailyQuota, config.HERALD_QUOTA_WINDOW_SECONDS),
  };
}
