import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { encodeS3EventKey } from '#core/documents/keys.ts';
import type { S3ObjectEvent } from '#local/emulators.ts';

export interface NotificationRule {
  readonly bucket: string;
  readonly prefix: string;
  readonly queueUrl: string;
  /** Event name prefixes to forward, as the CDK notification's event types (e.g. `ObjectCreated:`). */
  readonly events: readonly string[];
}

/**
 * Does locally what the bucket's event notification does on AWS: each object event under the
 * documents prefix becomes one SQS message `{"Records":[record]}` on the ingest queue, with the key
 * URL-encoded as S3 encodes it (s3rver does not encode it).
 */
export class S3NotificationForwarder {
  private readonly sqs = new SQSClient({});
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly rule: NotificationRule,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** The `s3:TestEvent` S3 sends when a notification is first configured. */
  async sendTestEvent(): Promise<void> {
    await this.send({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: new Date().toISOString(),
      Bucket: this.rule.bucket,
      RequestId: 'local',
      HostId: 'local',
    });
  }

  handle(event: S3ObjectEvent): void {
    if (this.stopped) return;
    for (const record of event.Records) {
      const key = record.s3.object.key;
      if (record.s3.bucket.name !== this.rule.bucket || !key.startsWith(this.rule.prefix)) continue;
      if (!this.rule.events.some((name) => record.eventName.startsWith(name))) continue;
      // s3rver writes the bucket's ARN with spaces (`arn:aws:s3: : :name`); S3 writes `arn:aws:s3:::name`.
      const { bucket } = record.s3;
      const encoded = {
        ...record,
        s3: {
          ...record.s3,
          bucket: { ...bucket, arn: `arn:aws:s3:::${bucket.name}` },
          object: { ...record.s3.object, key: encodeS3EventKey(key) },
        },
      };
      const sending = this.send({ Records: [encoded] }).catch(this.onError);
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    }
  }

  /** Stops forwarding and waits until every accepted event is on the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.inFlight);
  }

  private async send(body: unknown): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.rule.queueUrl, MessageBody: JSON.stringify(body) }),
    );
  }
}
