import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import { QUEUES } from '#config/contract/queues.ts';
import { HeraldFunction } from './herald-function.ts';
import type { SesSending } from './ses-send.ts';
import { grantPartitions } from './table-access.ts';
import { eventSourceOptions, WorkQueue } from './work-queue.ts';

export interface PublicMailProps {
  readonly table: ITableV2;
  readonly tokenKeys: ISecret;
  readonly addressKey: ISecret;
  readonly sesSending: SesSending;
  readonly environment: FunctionEnvironment;
}

/**
 * Every mail the public can cause — confirmations, welcomes, data links, suggestions — waits in this
 * queue: the public pages only queue them (and answer at once), and one worker decides and sends each,
 * paced under its share of the account's rate and counted in the daily quota the digests share.
 */
export class PublicMail extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: HeraldFunction;

  constructor(scope: Construct, id: string, props: PublicMailProps) {
    super(scope, id);
    const work = new WorkQueue(this, 'Mails', { settings: QUEUES.publicMail });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;
    this.function = new HeraldFunction(this, 'Function', {
      handler: 'public-mail',
      description: 'Herald: confirmations, welcomes, data links and suggestions, paced through SES',
      withTemplates: true,
      timeout: Duration.minutes(1),
      environment: {
        ...props.environment,
        HERALD_TOKEN_KEYS_SECRET_ARN: props.tokenKeys.secretArn,
        HERALD_ADDRESS_KEY_SECRET_ARN: props.addressKey.secretArn,
        HERALD_PUBLIC_MAIL_QUEUE_URL: this.queue.queueUrl,
        HERALD_PUBLIC_MAIL_CONCURRENCY: QUEUES.publicMail.maxConcurrency,
      },
    });
    this.function.addEventSource(new SqsEventSource(this.queue, eventSourceOptions(QUEUES.publicMail)));
    // A job that must wait (the quota, an account-level refusal) goes back on the queue, delayed.
    this.queue.grantSendMessages(this.function);
    props.sesSending.grantSend(this.function);
    grantPartitions(props.table, this.function, {
      read: ['suppressions', 'noSuggestions'],
      write: ['subscribers', 'limits', 'articles', 'quota'],
    });
    props.tokenKeys.grantRead(this.function);
    props.addressKey.grantRead(this.function);
  }
}
