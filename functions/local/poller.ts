import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface PollerOptions {
  /** The function's name, as in logs and the Lambda context. */
  readonly name: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly handler: () => Promise<SqsHandler>;
  /** Like the event source mapping's BatchSize. */
  readonly batchSize: number;
  /** Like MaximumBatchingWindowInSeconds: after the first message, wait this long to fill the batch. */
  readonly batchWindowMs: number;
  /** Like the event source mapping's maximum concurrency: batches handled at once. */
  readonly concurrency: number;
  readonly visibilityTimeoutSeconds: number;
  readonly onError: (error: unknown) => void;
  readonly onBatch?: (summary: { name: string; records: number; failed: number; ms: number }) => void;
}

/**
 * The local stand-in for Lambda's SQS event source mapping: long-polls the queue, hands the handler
 * the exact SQSEvent Lambda would, deletes what succeeded, and leaves the rest (reported in
 * `batchItemFailures`, or all of them when the handler throws) to come back after a back-off, and
 * to the queue's redrive policy after too many tries.
 */
export class SqsPoller {
  private readonly sqs = new SQSClient({});
  /** Polls are short (1 s) and never aborted: an aborted receive could leave messages invisible. */
  private stopping = false;
  private readonly parked = new Set<string>();
  private workers: Promise<void>[] = [];

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    this.workers = Array.from({ length: this.options.concurrency }, () => this.work());
  }

  /** Takes no new batch, lets the running ones finish, and makes parked failures visible again. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.workers);
    await Promise.all(
      [...this.parked].map((handle) =>
        this.sqs
          .send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: this.options.queueUrl,
              ReceiptHandle: handle,
              VisibilityTimeout: 0,
            }),
          )
          .catch(() => undefined),
      ),
    );
  }

  private async work(): Promise<void> {
    while (!this.stopping) {
      try {
        const messages = await this.receiveBatch();
        if (messages.length > 0) await this.invoke(messages);
      } catch (error) {
        if (this.stopping) return;
        this.options.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages ?? [];
  }

  private async receiveBatch(): Promise<Message[]> {
    const batch = await this.receive(Math.min(10, this.options.batchSize), 1);
    if (batch.length === 0) return batch;
    const deadline = Date.now() + this.options.batchWindowMs;
    while (batch.length < this.options.batchSize && Date.now() < deadline && !this.stopping) {
      const more = await this.receive(Math.min(10, this.options.batchSize - batch.length), 0);
      if (more.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      batch.push(...more);
    }
    return batch;
  }

  private async invoke(messages: Message[]): Promise<void> {
    const started = Date.now();
    const records = messages.map((message) => this.toRecord(message));
    let failedIds: Set<string>;
    try {
      const handler = await this.options.handler();
      const response = await handler({ Records: records }, this.context(started));
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.options.onError(error);
      failedIds = new Set(records.map((record) => record.messageId));
    }
    const succeeded = messages.filter((message) => !failedIds.has(message.MessageId!));
    for (let start = 0; start < succeeded.length; start += 10) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: succeeded.slice(start, start + 10).map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle!,
          })),
        }),
      );
    }
    for (const message of messages.filter((m) => failedIds.has(m.MessageId!))) {
      const tries = Number(message.Attributes?.ApproximateReceiveCount ?? 1);
      await this.sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: this.options.queueUrl,
            ReceiptHandle: message.ReceiptHandle!,
            VisibilityTimeout: Math.min(2 ** tries, 30),
          }),
        )
        .catch(() => undefined);
      this.parked.add(message.ReceiptHandle!);
    }
    this.options.onBatch?.({
      name: this.options.name,
      records: records.length,
      failed: failedIds.size,
      ms: Date.now() - started,
    });
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region,
    };
  }

  private context(started: number): Context {
    const timeoutMs = this.options.visibilityTimeoutSeconds * 1000;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName: this.options.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.options.region}:000000000000:function:${this.options.name}`,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${this.options.name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, started + timeoutMs - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
