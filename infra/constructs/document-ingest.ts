import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';

export interface DocumentIngestProps {
  readonly bucket: IBucket;
  readonly table: ITableV2;
  /** The queue the bucket notifies (it lives with the bucket, in the stateful stack). */
  readonly queue: IQueue;
  readonly documentsPrefix: string;
  readonly sendQueue: IQueue;
  readonly environment: Record<string, string>;
}

/**
 * Documents created under the prefix → ingest queue → ingest function, which parses them, stores
 * articles, renders each digest once and plans its send jobs.
 */
export class DocumentIngest extends Construct {
  readonly function: HeraldFunction;

  constructor(scope: Construct, id: string, props: DocumentIngestProps) {
    super(scope, id);
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
      new SqsEventSource(props.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(2),
        reportBatchItemFailures: true,
      }),
    );
    props.bucket.grantRead(this.function, `${props.documentsPrefix}*`);
    props.bucket.grantDelete(this.function, `${props.documentsPrefix}*`);
    props.bucket.grantPut(this.function, 'quarantine/*');
    props.bucket.grantPut(this.function, 'quarantine-reasons/*');
    // Bodies too large for a DynamoDB item are kept beside it.
    props.bucket.grantPut(this.function, 'article-bodies/*');
    props.bucket.grantPut(this.function, 'digests/*');
    props.table.grantReadWriteData(this.function);
    props.sendQueue.grantSendMessages(this.function);
  }
}
