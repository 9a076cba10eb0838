import { DocumentRejectedError, type RejectionReason } from '#core/errors.ts';

/**
 * Whose fault a failed ingest is — the one place that decides it:
 * - the **document**'s (it is quarantined with the reason and the batch goes on): anything Herald
 *   raises about it (`DocumentRejectedError`), anything that fails while it is decoded, parsed,
 *   sanitized or summarised (those steps touch no network: whatever breaks there, the bytes broke it —
 *   a parser's stack overflow, a library's TypeError), and an item DynamoDB refuses as too large;
 * - the **infrastructure**'s (retried, and in the end the DLQ): everything else — throttling, timeouts,
 *   5xx, the network, a permission.
 */
export type IngestFault =
  | { readonly owner: 'document'; readonly reason: RejectionReason; readonly message: string }
  | { readonly owner: 'infrastructure' };

/** An error raised while the document itself was being read (decode, parse, sanitize, summarise). */
export class DocumentUnreadableError extends Error {
  override readonly name = 'DocumentUnreadableError';
}

export function classifyIngestFailure(error: unknown): IngestFault {
  if (error instanceof DocumentRejectedError)
    return { owner: 'document', reason: error.reason, message: error.message };
  if (error instanceof DocumentUnreadableError) {
    const cause = error.cause;
    const overflow =
      cause instanceof RangeError && /call stack|string length|array length/i.test(cause.message);
    return {
      owner: 'document',
      reason: overflow ? 'too-deep' : 'unreadable',
      message: overflow
        ? 'the document is too deeply nested or too repetitive to read'
        : `the document could not be read (${cause instanceof Error ? cause.name : 'error'}): check that it is a well-formed document of its kind`,
    };
  }
  // DynamoDB's item limit (400 KB): what the document holds cannot be stored.
  if (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /item size|maximum allowed size|exceeds the limit/i.test(error.message)
  )
    return {
      owner: 'document',
      reason: 'too-large',
      message: 'the article is too large to store: shorten it or split it into several',
    };
  return { owner: 'infrastructure' };
}

/** Runs one of the document's own steps: any failure in it becomes the document's. */
export function readingTheDocument<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof DocumentRejectedError) throw error;
    throw new DocumentUnreadableError('the document could not be read', { cause: error });
  }
}
