import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';
import type { SesSend } from './ses-send.ts';
import { WorkQueue } from './work-queue.ts';

/** Senders running at once (the SQS event source's maximum concurrency). */
export const SENDER_CONCURRENCY = 10;

export interface DigestDeliveryProps {
  /** Mails per second for all senders; by default the SES account's MaxSendRate. */
  readonly maxSendRate?: number;
  /** Mails per rolling day for all senders; by default 95 % of the account's Max24HourSend. */
  readonly dailyQuota?: number;
  readonly bucket: IBucket;
  readonly table: ITableV2;
  readonly tokenKeys: ISecret;
  readonly addressKey: ISecret;
  readonly sesSend: SesSend;
  readonly environment: Record<string, string>;
}

/** Send jobs → sender function → one SES v2 SendEmail per recipient, recorded in the send ledger. */
export class DigestDelivery extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: HeraldFunction;
  constructor(scope: Construct, id: string, props: DigestDeliveryProps) {
    super(scope, id);

    const work = new WorkQueue(this, 'Sends', { visibilityTimeout: Duration.minutes(6) });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;

    this.function = new HeraldFunction(this, 'Function', {
      handler: 'sender',
      description: 'Herald: send jobs → personalized mail through SES',
      timeout: Duration.minutes(1),
      lean: true,
      environment: {
        ...props.environment,
        HERALD_SES_CONFIGURATION_SET: props.sesSend.configurationSetName,
        HERALD_TOKEN_KEYS_SECRET_ARN: props.tokenKeys.secretArn,
        HERALD_ADDRESS_KEY_SECRET_ARN: props.addressKey.secretArn,
        HERALD_SEND_QUEUE_URL: this.queue.queueUrl,
        HERALD_SENDER_CONCURRENCY: String(SENDER_CONCURRENCY),
        ...(props.maxSendRate ? { HERALD_MAX_SEND_RATE: String(props.maxSendRate) } : {}),
        ...(props.dailyQuota ? { HERALD_DAILY_QUOTA: String(props.dailyQuota) } : {}),
        // A claimed ledger row is held longer than an invocation can run (the timeout below).
        HERALD_SEND_LEASE_SECONDS: '120',
      },
    });
    // At most SENDER_CONCURRENCY senders run at once; each paces itself at its share of the send rate.
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 5,
        reportBatchItemFailures: true,
        maxConcurrency: SENDER_CONCURRENCY,
      }),
    );
    // A throttled or paused job goes back on this queue as a new, delayed message.
    this.queue.grantSendMessages(this.function);
    // The account's MaxSendRate and Max24HourSend (GetAccount has no resource-level permissions).
    this.function.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    props.bucket.grantRead(this.function, 'digests/*');
    props.table.grantReadWriteData(this.function);
    props.tokenKeys.grantRead(this.function);
    props.addressKey.grantRead(this.function);

    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [props.sesSend.identityArn, props.sesSend.configurationSetArn],
      }),
    );
  }
}
