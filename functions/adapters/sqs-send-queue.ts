import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '#adapters/clients.ts';
import type { SendQueue } from '#core/delivery/ports.ts';
import type { SendJob } from '#core/digests/digest.ts';
import type { QueuedPublicMail } from '#core/public-mail/jobs.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';

export class QueueSendError extends Error {
  override readonly name = 'QueueSendError';
}

/** Jobs on an SQS queue as JSON, ten per SendMessageBatch call, optionally delayed (at most 15 minutes). */
export class SqsJobQueue<Job> {
  constructor(
    private readonly queueUrl: string,
    private readonly what: string,
  ) {}

  async enqueue(jobs: readonly Job[], delaySeconds = 0): Promise<void> {
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
          `${result.Failed.length} ${this.what} were not queued: ${result.Failed.map((f) => f.Code).join(', ')}`,
        );
      }
    }
  }
}

/** Send jobs on the send queue. */
export class SqsSendQueue extends SqsJobQueue<SendJob> implements SendQueue {
  constructor(queueUrl: string) {
    super(queueUrl, 'send jobs');
  }
}

/** Mails the public caused, on the public-mail queue. */
export class SqsPublicMailQueue extends SqsJobQueue<QueuedPublicMail> implements PublicMailQueue {
  constructor(queueUrl: string) {
    super(queueUrl, 'public mails');
  }
}
