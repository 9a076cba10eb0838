import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, type QueueSettings } from '#config/contract/queues.ts';

/** An encrypted, TLS-only SQS queue with its dead-letter queue, for one Lambda event source. */
export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: { readonly settings: QueueSettings }) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.settings.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}

/** The Lambda event source options of a queue read as `settings` say, reporting partial batch failures. */
export function eventSourceOptions(settings: QueueSettings) {
  return {
    batchSize: settings.batchSize,
    reportBatchItemFailures: true,
    ...(settings.maxBatchingWindowSeconds
      ? { maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds) }
      : {}),
    ...(settings.maxConcurrency ? { maxConcurrency: settings.maxConcurrency } : {}),
  };
}
