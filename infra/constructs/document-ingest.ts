import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';
import { WorkQueue } from './work-queue.ts';

export interface DocumentIngestProps {
  readonly bucket: IBucket;
  readonly table: ITableV2;
  readonly documentsPrefix: string;
  readonly sendQueue: IQueue;
  readonly environment: Record<string, string>;
}

/**
 * Documents created under the prefix → ingest queue → ingest function, which parses them, stores
 * articles, renders each digest once and plans its send jobs.
 */
export class DocumentIngest extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: HeraldFunction;

  constructor(scope: Construct, id: string, props: DocumentIngestProps) {
    super(scope, id);
    const work = new WorkQueue(this, 'Documents', { visibilityTimeout: Duration.minutes(6) });
    this.queue = work.queue;
    this.deadLetterQueue = work.deadLetterQueue;
    // Created and removed (including delete markers): a deleted document is withdrawn from what is unsent.
    for (const type of [EventType.OBJECT_CREATED, EventType.OBJECT_REMOVED]) {
      props.bucket.addEventNotification(type, new SqsDestination(this.queue), {
        prefix: props.documentsPrefix,
      });
    }

    this.function = new HeraldFunction(this, 'Function', {
      handler: 'ingest',
      description: 'Herald: documents → articles → rendered digests → send jobs',
      timeout: Duration.minutes(1),
      memorySize: 1024,
      withTemplates: true,
      environment: {
        ...props.environment,
        HERALD_SEND_QUEUE_URL: props.sendQueue.queueUrl,
      },
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(2),
        reportBatchItemFailures: true,
      }),
    );
    props.bucket.grantRead(this.function, `${props.documentsPrefix}*`);
    props.bucket.grantDelete(this.function, `${props.documentsPrefix}*`);
    props.bucket.grantPut(this.function, 'quarantine/*');
    props.bucket.grantPut(this.function, 'digests/*');
    props.table.grantReadWriteData(this.function);
    props.sendQueue.grantSendMessages(this.function);
  }
}
