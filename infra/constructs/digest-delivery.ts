import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import { QUEUES } from '#config/contract/queues.ts';
import { objectsUnder, S3_PREFIXES } from '#config/contract/storage.ts';
import { HeraldFunction } from './herald-function.ts';
import type { SesSending } from './ses-send.ts';
import { eventSourceOptions, WorkQueue } from './work-queue.ts';

export interface DigestDeliveryProps {
  /** Mails per second for all senders; by default the SES account's MaxSendRate. */
  readonly maxSendRate?: number;
  /** Mails per rolling day for all senders; by default 95 % of the account's Max24HourSend. */
  readonly dailyQuota?: number;
  readonly bucket: IBucket;
  readonly table: ITableV2;
  readonly tokenKeys: ISecret;
  readonly addressKey: ISecret;
  readonly sesSending: SesSending;
  readonly environment: FunctionEnvironment;
}

/** Send jobs → sender function → SES v2 SendBulkEmail, a window of readers a call, recorded in the send ledger. */
export class DigestDelivery extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: HeraldFunction;
  constructor(scope: Construct, id: string, props: DigestDeliveryProps) {
    super(scope, id);

    const work = new WorkQueue(this, 'Sends', { settings: QUEUES.send });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;

    this.function = new HeraldFunction(this, 'Function', {
      handler: 'sender',
      description: 'Herald: send jobs → personalized mail through SES',
      timeout: Duration.minutes(1),
      lean: true,
      environment: {
        ...props.environment,
        HERALD_TOKEN_KEYS_SECRET_ARN: props.tokenKeys.secretArn,
        HERALD_ADDRESS_KEY_SECRET_ARN: props.addressKey.secretArn,
        HERALD_SEND_QUEUE_URL: this.queue.queueUrl,
        // Each of the senders the event source runs at once paces itself at its share of the send rate.
        HERALD_SENDER_CONCURRENCY: QUEUES.send.maxConcurrency,
        HERALD_MAX_SEND_RATE: props.maxSendRate,
        HERALD_DAILY_QUOTA: props.dailyQuota,
        // A claimed ledger row is held longer than an invocation can run (the timeout above).
        HERALD_SEND_LEASE_SECONDS: 120,
      },
    });
    this.function.addEventSource(new SqsEventSource(this.queue, eventSourceOptions(QUEUES.send)));
    // A throttled or paused job goes back on this queue as a new, delayed message.
    this.queue.grantSendMessages(this.function);
    props.bucket.grantRead(this.function, objectsUnder(S3_PREFIXES.digests));
    props.table.grantReadWriteData(this.function);
    props.tokenKeys.grantRead(this.function);
    props.addressKey.grantRead(this.function);
    props.sesSending.grantSend(this.function, 'ses:SendBulkEmail');
  }
}
