import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';
import type { SesSend } from './ses-send.ts';
import { grantPartitions } from './table-access.ts';
import { WorkQueue } from './work-queue.ts';

/** Public-mail workers running at once (the SQS event source's maximum concurrency; 2 is its least). */
export const PUBLIC_MAIL_CONCURRENCY = 2;

export interface PublicMailProps {
  readonly table: ITableV2;
  readonly tokenKeys: ISecret;
  readonly addressKey: ISecret;
  readonly sesSend: SesSend;
  readonly environment: Record<string, string>;
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
    const work = new WorkQueue(this, 'Mails', { visibilityTimeout: Duration.minutes(2) });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;
    this.function = new HeraldFunction(this, 'Function', {
      handler: 'public-mail',
      description: 'Herald: confirmations, welcomes, data links and suggestions, paced through SES',
      withTemplates: true,
      timeout: Duration.minutes(1),
      environment: {
        ...props.environment,
        HERALD_SES_CONFIGURATION_SET: props.sesSend.configurationSetName,
        HERALD_TOKEN_KEYS_SECRET_ARN: props.tokenKeys.secretArn,
        HERALD_ADDRESS_KEY_SECRET_ARN: props.addressKey.secretArn,
        HERALD_PUBLIC_MAIL_QUEUE_URL: this.queue.queueUrl,
        HERALD_PUBLIC_MAIL_CONCURRENCY: String(PUBLIC_MAIL_CONCURRENCY),
      },
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: PUBLIC_MAIL_CONCURRENCY,
      }),
    );
    // A job that must wait (the quota, an account-level refusal) goes back on the queue, delayed.
    this.queue.grantSendMessages(this.function);
    this.function.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [props.sesSend.identityArn, props.sesSend.configurationSetArn],
      }),
    );
    grantPartitions(props.table, this.function, {
      read: ['suppressions', 'noSuggestions'],
      write: ['subscribers', 'limits', 'articles', 'quota'],
    });
    props.tokenKeys.grantRead(this.function);
    props.addressKey.grantRead(this.function);
  }
}
