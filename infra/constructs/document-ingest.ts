import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import { QUEUES } from '#config/contract/queues.ts';
import { objectsUnder, S3_PREFIXES } from '#config/contract/storage.ts';
import { HeraldFunction } from './herald-function.ts';
import { eventSourceOptions } from './work-queue.ts';

export interface DocumentIngestProps {
  readonly bucket: IBucket;
  readonly table: ITableV2;
  /** The queue the bucket notifies (it lives with the bucket, in the stateful stack). */
  readonly queue: IQueue;
  readonly documentsPrefix: string;
  readonly sendQueue: IQueue;
  readonly environment: FunctionEnvironment;
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
    this.function.addEventSource(new SqsEventSource(props.queue, eventSourceOptions(QUEUES.ingest)));
    props.bucket.grantRead(this.function, objectsUnder(props.documentsPrefix));
    props.bucket.grantDelete(this.function, objectsUnder(props.documentsPrefix));
    for (const prefix of ['quarantine', 'quarantineReasons', 'articleBodies', 'digests'] as const)
      props.bucket.grantPut(this.function, objectsUnder(S3_PREFIXES[prefix]));
    props.table.grantReadWriteData(this.function);
    props.sendQueue.grantSendMessages(this.function);
  }
}
