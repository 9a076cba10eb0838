import { type CfnResource, Stack, type StackProps } from 'aws-cdk-lib';
import { EventType } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { QUEUES } from '#config/contract/queues.ts';
import { HeraldState } from './constructs/herald-state.ts';
import { WorkQueue } from './constructs/work-queue.ts';
import { settingOutput } from './outputs.ts';

export interface HeraldStateStackProps extends StackProps {
  readonly documentsPrefix: string;
}

/**
 * What Herald must never lose, in a stack of its own that other changes never replace: the documents
 * bucket, the table, the token keys — and the ingest queue with its DLQ, because the bucket notifies it
 * (a notification to a queue in another stack would make the two stacks depend on each other). Logical
 * IDs are pinned, so refactoring the code never replaces a resource with data in it.
 */
export class HeraldStateStack extends Stack {
  readonly state: HeraldState;
  readonly ingest: WorkQueue;

  constructor(scope: Construct, id: string, props: HeraldStateStackProps) {
    super(scope, id, props);
    this.state = new HeraldState(this, 'State');
    this.ingest = new WorkQueue(this, 'Ingest', { settings: QUEUES.ingest });
    // Created and removed (including delete markers): a deleted document is withdrawn from what is unsent.
    for (const type of [EventType.OBJECT_CREATED, EventType.OBJECT_REMOVED]) {
      this.state.bucket.addEventNotification(type, new SqsDestination(this.ingest.queue), {
        prefix: props.documentsPrefix,
      });
    }
    const pin = (construct: { node: { defaultChild?: unknown } }, logicalId: string) =>
      (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
    pin(this.state.bucket, 'DocumentsBucket');
    pin(this.state.table, 'HeraldTable');
    pin(this.state.tokenKeys, 'TokenKeysSecret');
    pin(this.state.addressKey, 'AddressKeySecret');
    pin(this.ingest.queue, 'IngestQueue');
    pin(this.ingest.deadLetterQueue, 'IngestDeadLetterQueue');

    // What `herald` reads with HERALD_STACK=aws.
    settingOutput(this, 'HERALD_TABLE', this.state.table.tableName);
    settingOutput(this, 'HERALD_BUCKET', this.state.bucket.bucketName);
    settingOutput(this, 'HERALD_DOCUMENTS_PREFIX', props.documentsPrefix);
    settingOutput(this, 'HERALD_TOKEN_KEYS_SECRET_ARN', this.state.tokenKeys.secretArn);
    settingOutput(this, 'HERALD_ADDRESS_KEY_SECRET_ARN', this.state.addressKey.secretArn);
  }
}
