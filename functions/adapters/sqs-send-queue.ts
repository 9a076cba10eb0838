import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '#adapters/clients.ts';
import type { SendJob } from '#core/digests/digest.ts';
import type { SendQueue } from '#ports/index.ts';

export class QueueSendError extends Error {
  override readonly name = 'QueueSendError';
}

/** Send jobs on the send queue, ten per SendMessageBatch call. */
export class SqsSendQueue implements SendQueue {
  constructor(private readonly queueUrl: string) {}

  async enqueue(jobs: readonly SendJob[], delaySeconds = 0): Promise<void> {
    for (let start = 0; start < jobs.length; start += 10) {
      const entries = jobs.slice(start, start + 10).map((job, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(job),
        DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))),
      }));
      const result = await sqsClient().send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      if (result.Failed && result.Failed.length > 0) {
        throw new QueueSendError(
          `${result.Failed.length} send jobs were not queued: ${result.Failed.map((f) => f.Code).join(', ')}`,
        );
      }
    }
  }
}
