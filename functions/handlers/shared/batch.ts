import type { SQSRecord } from 'aws-lambda';
import { logger } from '#handlers/shared/logger.ts';

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
