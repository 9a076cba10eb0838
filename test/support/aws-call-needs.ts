import type { RecordedCall } from '#adapters/call-record.ts';
import type { Need } from './iam-policy.ts';

/**
 * What IAM checks for each SDK call Herald makes (the service authorization reference: the action, the
 * resource type, and for DynamoDB the partition keys): a call without a row here fails the proof, so a
 * new kind of call is mapped before it can ship unchecked.
 */
export interface CallContext {
  /** A recorded value as the resource the function's synthesized environment names (`$HERALD_TABLE` → `<HeraldTable…>`). */
  resource(value: unknown, call: RecordedCall): string;
  /** The function's synthesized environment, resolved. */
  readonly environment: ReadonlyMap<string, string>;
  readonly region: string;
  readonly account: string;
}

const keysOf = (entries: unknown) =>
  [entries]
    .flat()
    .filter((e): e is string => typeof e === 'string')
    .map((e) => e.slice(e.indexOf(' ') + 1));

const DYNAMO_ITEM: Record<string, { action: string; key: 'Key' | 'Item' }> = {
  GetItemCommand: { action: 'GetItem', key: 'Key' },
  PutItemCommand: { action: 'PutItem', key: 'Item' },
  UpdateItemCommand: { action: 'UpdateItem', key: 'Key' },
  DeleteItemCommand: { action: 'DeleteItem', key: 'Key' },
};
const TRANSACT: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};
const SQS: Record<string, string> = {
  SendMessageCommand: 'SendMessage',
  SendMessageBatchCommand: 'SendMessage',
  DeleteMessageCommand: 'DeleteMessage',
  DeleteMessageBatchCommand: 'DeleteMessage',
  ChangeMessageVisibilityCommand: 'ChangeMessageVisibility',
  ChangeMessageVisibilityBatchCommand: 'ChangeMessageVisibility',
  ReceiveMessageCommand: 'ReceiveMessage',
  GetQueueAttributesCommand: 'GetQueueAttributes',
};

export function needsOf(call: RecordedCall, context: CallContext): Need[] {
  const input = call.input;
  const because = `${call.command} ${JSON.stringify(input)}`;
  const need = (action: string, resource: string, leadingKeys?: readonly string[]): Need => ({
    action,
    resource,
    because,
    ...(leadingKeys ? { leadingKeys } : {}),
  });
  const table = (name: unknown) => context.resource(name, call);
  switch (call.service) {
    case 'dynamodb': {
      const item = DYNAMO_ITEM[call.command];
      if (item) return [need(`dynamodb:${item.action}`, table(input.TableName), keysOf(input[item.key]))];
      if (call.command === 'QueryCommand') {
        const condition = input.KeyCondition as { value?: unknown } | undefined;
        const resource = input.IndexName
          ? `${table(input.TableName)}/index/${String(input.IndexName)}`
          : table(input.TableName);
        return [need('dynamodb:Query', resource, keysOf(condition?.value))];
      }
      if (call.command === 'ScanCommand') return [need('dynamodb:Scan', table(input.TableName), [])];
      if (call.command === 'DescribeTableCommand')
        return [need('dynamodb:DescribeTable', table(input.TableName))];
      if (call.command === 'BatchGetItemCommand' || call.command === 'BatchWriteItemCommand') {
        const action = call.command === 'BatchGetItemCommand' ? 'BatchGetItem' : 'BatchWriteItem';
        return Object.entries(input.RequestItems as Record<string, unknown>).map(([name, entries]) =>
          need(`dynamodb:${action}`, table(name), keysOf(entries)),
        );
      }
      if (call.command === 'TransactWriteItemsCommand' || call.command === 'TransactGetItemsCommand')
        return (input.TransactItems as Array<Record<string, { TableName: unknown; pk: unknown }>>).flatMap(
          (entry) =>
            Object.entries(entry).map(([kind, operation]) =>
              need(`dynamodb:${TRANSACT[kind] ?? kind}`, table(operation.TableName), keysOf(operation.pk)),
            ),
        );
      break;
    }
    case 's3': {
      const object = (bucket: unknown, key: unknown) => `${context.resource(bucket, call)}/${String(key)}`;
      const versioned = input.VersionId !== undefined ? 'Version' : '';
      if (call.command === 'GetObjectCommand' || call.command === 'HeadObjectCommand')
        return [need(`s3:GetObject${versioned}`, object(input.Bucket, input.Key))];
      if (call.command === 'PutObjectCommand') return [need('s3:PutObject', object(input.Bucket, input.Key))];
      if (call.command === 'DeleteObjectCommand')
        return [need(`s3:DeleteObject${versioned}`, object(input.Bucket, input.Key))];
      if (call.command === 'ListObjectsV2Command')
        return [need('s3:ListBucket', context.resource(input.Bucket, call))];
      if (call.command === 'CopyObjectCommand') {
        const source = input.CopySource as { Bucket: unknown; Key: unknown };
        return [
          need('s3:PutObject', object(input.Bucket, input.Key)),
          need('s3:GetObject', object(source.Bucket, source.Key)),
        ];
      }
      break;
    }
    case 'sqs': {
      const action = SQS[call.command];
      if (action) return [need(`sqs:${action}`, context.resource(input.QueueUrl, call))];
      break;
    }
    case 'ses': {
      if (call.command === 'GetAccountCommand') return [need('ses:GetAccount', '*')];
      if (call.command === 'SendEmailCommand' || call.command === 'SendBulkEmailCommand') {
        const action = call.command === 'SendEmailCommand' ? 'ses:SendEmail' : 'ses:SendBulkEmail';
        // SES authorizes the identity that sends (the From's domain, or the address verified on its own)
        // and the configuration set the mail goes through — the one the function is configured with.
        const from = context.environment.get('HERALD_FROM_ADDRESS') ?? '';
        const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? from;
        const arn = `arn:aws:ses:${context.region}:${context.account}`;
        const set = context.environment.get('HERALD_SES_CONFIGURATION_SET');
        return [
          need(action, `${arn}:identity/${domain}`),
          ...(set ? [need(action, `${arn}:configuration-set/${set}`)] : []),
        ];
      }
      break;
    }
    case 'secretsmanager':
      if (call.command === 'GetSecretValueCommand')
        return [need('secretsmanager:GetSecretValue', context.resource(input.SecretId, call))];
      break;
    case 'lambda':
      if (call.command === 'InvokeCommand')
        return [need('lambda:InvokeFunction', context.resource(input.FunctionName, call))];
      break;
  }
  throw new Error(
    `the IAM proof has no mapping for ${call.service} ${call.command}: add it in aws-call-needs.ts`,
  );
}
