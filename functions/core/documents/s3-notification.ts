import { decodeS3EventKey } from '#core/documents/keys.ts';

/** One object change, read from an S3 event notification record, with its key decoded. */
export interface ObjectChange {
  readonly kind: 'created' | 'removed';
  readonly eventName: string;
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
  readonly versionId?: string;
  readonly sequencer?: string;
}

interface S3NotificationRecord {
  eventName?: string;
  s3?: {
    bucket?: { name?: string };
    object?: { key?: string; size?: number; versionId?: string; sequencer?: string };
  };
}

/**
 * Reads the body of an SQS message sent by an S3 event notification. S3's `s3:TestEvent` (sent when
 * the notification is configured) and records for other event types yield no change.
 */
export function readS3Notification(body: string): ObjectChange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SyntaxError('the message body is not JSON: not an S3 event notification');
  }
  if (!parsed || typeof parsed !== 'object') return [];
  if ((parsed as { Event?: string }).Event === 's3:TestEvent') return [];
  const records = (parsed as { Records?: S3NotificationRecord[] }).Records;
  if (!Array.isArray(records)) {
    throw new SyntaxError('the message has no Records array: not an S3 event notification');
  }
  return records.flatMap((record): ObjectChange[] => {
    const eventName = record.eventName ?? '';
    const kind = eventName.startsWith('ObjectCreated:')
      ? 'created'
      : eventName.startsWith('ObjectRemoved:')
        ? 'removed'
        : undefined;
    const bucket = record.s3?.bucket?.name;
    const key = record.s3?.object?.key;
    if (!kind || !bucket || key === undefined) return [];
    return [
      {
        kind,
        eventName,
        bucket,
        key: decodeS3EventKey(key),
        size: record.s3?.object?.size,
        versionId: record.s3?.object?.versionId,
        sequencer: record.s3?.object?.sequencer,
      },
    ];
  });
}
