import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoSendingSwitch, DynamoSendQuota, unlimitedQuota } from '#adapters/dynamodb-sending.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { sesSendQuota } from '#adapters/ses-mailer.ts';
import { stackTarget } from '#cli/target.ts';

/**
 * The stores an operator's command works on: the running local stack; or, with `HERALD_STACK=aws`, the
 * deployed one (see `stackTarget`).
 */
export async function operatorStores() {
  const target = await stackTarget();
  const { table, bucket } = target;
  const configured = process.env.HERALD_DAILY_QUOTA;
  const limit = configured ? Number(configured) : Math.floor((await sesSendQuota()).max24HourSend * 0.95);
  const windowSeconds = Number(process.env.HERALD_QUOTA_WINDOW_SECONDS || 86_400);
  return {
    target,
    table,
    digests: new AwsDigestStore(table, bucket),
    ledger: new DynamoSendLedger(table),
    sending: new DynamoSendingSwitch(table),
    subscribers: new DynamoSubscriberStore(table),
    quota: limit > 0 ? new DynamoSendQuota(table, limit, windowSeconds) : unlimitedQuota,
  };
}
