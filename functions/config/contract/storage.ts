/**
 * Where Herald keeps objects in its bucket, one prefix each: the functions' adapters read and write
 * there, and the CDK grants each function those prefixes and expires them by the same names.
 */
export const S3_PREFIXES = {
  /** Documents are dropped here (the default; a deployment may name another, HERALD_DOCUMENTS_PREFIX). */
  documents: 'documents/',
  /** Rejected documents, moved out of the documents prefix so the move triggers nothing. */
  quarantine: 'quarantine/',
  /** Why each was rejected, named by a hash of its key. */
  quarantineReasons: 'quarantine-reasons/',
  /** Rendered digests, `digests/<id>.json`: written once by the planner, read by every sender. */
  digests: 'digests/',
  /** Article bodies too large for a DynamoDB item, kept beside it. */
  articleBodies: 'article-bodies/',
} as const;

/** Every object under `prefix`, as an IAM resource or grant pattern names them (`digests/*`). */
export const objectsUnder = (prefix: string) => `${prefix}*`;
