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

/** The fields of an S3 event notification record Herald reads, its key already URL-decoded. */
export interface S3NotificationRecord {
  readonly eventName: string;
  readonly s3: {
    readonly bucket: { readonly name: string };
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly versionId?: string | null;
      readonly sequencer?: string;
    };
  };
}

/** The object changes among S3 event notification records; records of other event types yield none. */
export function objectChanges(records: readonly S3NotificationRecord[]): ObjectChange[] {
  return records.flatMap((record): ObjectChange[] => {
    const { eventName } = record;
    const kind = eventName.startsWith('ObjectCreated:')
      ? 'created'
      : eventName.startsWith('ObjectRemoved:')
        ? 'removed'
        : undefined;
    if (!kind) return [];
    const { bucket, object } = record.s3;
    return [
      {
        kind,
        eventName,
        bucket: bucket.name,
        key: object.key,
        size: object.size,
        versionId: object.versionId ?? undefined,
        sequencer: object.sequencer,
      },
    ];
  });
}
