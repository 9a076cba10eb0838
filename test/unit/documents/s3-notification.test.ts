import { describe, expect, it } from 'vitest';
import { encodeS3EventKey } from '#core/documents/keys.ts';
import { objectChanges } from '#core/documents/s3-notification.ts';
import { s3Notification } from '#handlers/shared/events.ts';

/** What the ingest function makes of a message body on its queue: the changes, keys decoded. */
function readS3Notification(body: string) {
  const record = {
    messageId: 'm1',
    receiptHandle: 'r1',
    body,
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:ingest',
    awsRegion: 'us-east-1',
  };
  return objectChanges(s3Notification('ingest', record).records);
}

/** An S3 → SQS notification body, shaped as AWS sends it. */
function notification(key: string, eventName = 'ObjectCreated:Put') {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-11-20T10:15:00.000Z',
        eventName,
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'documents',
          bucket: { name: 'docs-bucket', arn: 'arn:aws:s3:::docs-bucket' },
          object: { key, size: 518, eTag: 'abc', sequencer: '0062E99A88DC407460' },
        },
      },
    ],
  });
}

describe('S3 event notifications on the ingest queue', () => {
  it("acknowledges S3's test event without producing work", () => {
    const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'docs-bucket' });
    expect(readS3Notification(body)).toEqual([]);
  });

  it('decodes keys as S3 encodes them: + for a space, percent-escapes for the rest', () => {
    const [change] = readS3Notification(notification('documents/state+visit/%E4%B8%AD+%2B+x.txt'));
    expect(change).toMatchObject({
      kind: 'created',
      bucket: 'docs-bucket',
      key: 'documents/state visit/中 + x.txt',
    });
  });

  it('round-trips any key through the encoding S3 uses', () => {
    const key = 'documents/a b+c/été/中文 (2).txt';
    expect(readS3Notification(notification(encodeS3EventKey(key)))[0]?.key).toBe(key);
  });

  it('tells created from removed objects', () => {
    expect(readS3Notification(notification('documents/x.txt', 'ObjectRemoved:Delete'))[0]?.kind).toBe(
      'removed',
    );
  });

  it('refuses a body that is not an S3 notification, with a reason', () => {
    expect(() => readS3Notification('hello')).toThrowError(/body: expected JSON/);
    expect(() => readS3Notification('{"foo":1}')).toThrowError(
      /not an S3 event notification in an SQS message: body\.Records: expected an array, got nothing/,
    );
  });
});
