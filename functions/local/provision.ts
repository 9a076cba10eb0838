import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ALSO_ORIGINAL_INDEX, AUDIENCE_INDEX, EXPIRY_ATTRIBUTE } from '#adapters/dynamodb-table.ts';
import { MAX_RECEIVE_COUNT } from '#config/contract/queues.ts';

export interface LocalResources {
  readonly bucket: string;
  readonly table: string;
  readonly queues: {
    readonly ingest: string;
    readonly ingestDlq: string;
    readonly send: string;
    readonly sendDlq: string;
    readonly publicMail: string;
    readonly publicMailDlq: string;
  };
}

/**
 * Creates (or finds) the bucket, the queues with their DLQs, and the table as the CDK makes it: its two
 * indexes, and TTL on `expiresAt`.
 */
export async function provision(names: { bucket: string; table: string }): Promise<LocalResources> {
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: names.bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  }

  const sqs = new SQSClient({});
  const queueWithDlq = async (name: string, visibilityTimeout: number) => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: String(visibilityTimeout),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: Attributes!.QueueArn,
            maxReceiveCount: MAX_RECEIVE_COUNT,
          }),
        },
      }),
    );
    return { url: queue.QueueUrl!, dlq: dlq.QueueUrl! };
  };
  const ingest = await queueWithDlq('herald-ingest', 60);
  const send = await queueWithDlq('herald-send', 60);
  const publicMail = await queueWithDlq('herald-public-mail', 60);

  const dynamo = new DynamoDBClient({});
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: names.table }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await dynamo.send(
      new CreateTableCommand({
        TableName: names.table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'audience', AttributeType: 'S' },
          { AttributeName: 'alsoOriginal', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: AUDIENCE_INDEX,
            KeySchema: [
              { AttributeName: 'audience', KeyType: 'HASH' },
              { AttributeName: 'pk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: ALSO_ORIGINAL_INDEX,
            KeySchema: [
              { AttributeName: 'alsoOriginal', KeyType: 'HASH' },
              { AttributeName: 'pk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  }
  while (
    (await dynamo.send(new DescribeTableCommand({ TableName: names.table }))).Table?.TableStatus !== 'ACTIVE'
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await enableTimeToLive(dynamo, names.table);
  return {
    bucket: names.bucket,
    table: names.table,
    queues: {
      ingest: ingest.url,
      ingestDlq: ingest.dlq,
      send: send.url,
      sendDlq: send.dlq,
      publicMail: publicMail.url,
      publicMailDlq: publicMail.dlq,
    },
  };
}

/**
 * TTL on `expiresAt`, as the CDK table has it (`timeToLiveAttribute`), also on a table made before.
 * dynalite has no UpdateTimeToLive (and expires nothing): there the table stays without it.
 */
async function enableTimeToLive(dynamo: DynamoDBClient, table: string): Promise<void> {
  const { TimeToLiveDescription } = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: table }));
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  try {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: EXPIRY_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'UnknownOperationException') throw error;
  }
}
