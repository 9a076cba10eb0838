import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { sqsBody } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { observed } from '#handlers/shared/observed.ts';

/** A record handler whose failures are logged (with the message id) before they are reported back. */
export function loggingFailures(name: string, handle: (record: SQSRecord) => Promise<void>) {
  return async (record: SQSRecord): Promise<void> => {
    try {
      await handle(record);
    } catch (error) {
      logger.error(`${name} failed; the message will be retried`, {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: error as Error,
      });
      throw error;
    }
  };
}

/**
 * A queue worker: each message's body read as `job` (a body that does not fit is refused with what was
 * expected), worked by `work`; a failure is logged and that message alone is retried (partial batch
 * response). `inOrder` works the batch one message after another.
 */
export function queueWorker<S extends z.core.$ZodType>(
  name: string,
  job: { readonly schema: S; readonly what: string },
  work: (job: z.output<S>, context: Context) => Promise<void>,
  options: { readonly inOrder?: boolean } = {},
) {
  return observed(
    name,
    (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(
        event,
        loggingFailures(job.what, async (record) =>
          work(sqsBody(name, record, job.schema, `a ${job.what}`), context),
        ),
        new BatchProcessor(EventType.SQS),
        { context, processInParallel: !options.inOrder },
      ),
  );
}
