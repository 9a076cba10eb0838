import { AwsDigestStore } from '#adapters/digest-store.ts';
import { DynamoSendLedger } from '#adapters/dynamodb-ledger.ts';
import { DynamoSendingSwitch, DynamoSendQuota, unlimitedQuota } from '#adapters/dynamodb-sending.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { sesSendQuota } from '#adapters/ses-mailer.ts';
import { localKeysEnvironment, localTarget } from '#cli/target.ts';
import { handlerEnvironment } from '#local/environment.ts';

/**
 * The stores an operator's command works on: the running local stack; or, with `HERALD_STACK=aws`, the
 * deployed stack named by `HERALD_TABLE` and `HERALD_BUCKET` (the stack's outputs), with the usual
 * AWS credentials.
 */
export async function operatorStores() {
  if (process.env.HERALD_STACK !== 'aws') {
    const target = localTarget();
    Object.assign(process.env, handlerEnvironment(target), localKeysEnvironment());
  }
  const table = process.env.HERALD_TABLE;
  const bucket = process.env.HERALD_BUCKET;
  if (!table || !bucket)
    throw new Error('HERALD_STACK=aws needs HERALD_TABLE and HERALD_BUCKET (the stack outputs name both)');
  const configured = process.env.HERALD_DAILY_QUOTA;
  const limit = configured ? Number(configured) : Math.floor((await sesSendQuota()).max24HourSend * 0.95);
  const windowSeconds = Number(process.env.HERALD_QUOTA_WINDOW_SECONDS || 86_400);
  return {
    table,
    digests: new AwsDigestStore(table, bucket),
    ledger: new DynamoSendLedger(table),
    sending: new DynamoSendingSwitch(table),
    subscribers: new DynamoSubscriberStore(table),
    quota: limit > 0 ? new DynamoSendQuota(table, limit, windowSeconds) : unlimitedQuota,
  };
}
