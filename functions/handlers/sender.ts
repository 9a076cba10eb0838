import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { delivery } from '#builders/delivery.ts';
import { DeliveryIncompleteError, type DeliveryOutcome, deliverSendJob } from '#core/delivery/deliver.ts';
import { sendJobSchema } from '#core/digests/digest.ts';
import { queueWorker } from '#handlers/shared/batch.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metrics } from '#handlers/shared/metrics.ts';

const { ports, settings } = await delivery();
const count = (name: string, value = 1) => void metrics.addMetric(name, MetricUnit.Count, value);

/** What the log and the metrics say of one job: ids and counts, never an address. */
function report(digestId: string, outcome: DeliveryOutcome) {
  const { sent, skipped, failed } = outcome.report;
  count('mailsSent', sent);
  count('mailsSkipped', skipped);
  count('mailsFailed', failed);
  if (outcome.kind === 'done') return logger.info('send job done', { digestId, ...outcome.report });
  const { reason, remaining, delaySeconds } = outcome;
  logger.warn('send job deferred', { digestId, reason, remaining: remaining.length, delaySeconds });
  if (reason === 'throttled') count('sesThrottled');
  else if (reason !== 'in-flight' && reason !== 'time') count('sendingPaused');
}

/**
 * Send jobs → SES bulk calls, a window of readers each, every reader with their own links. A failed job
 * is retried alone (partial batch response); a job that must wait has put its rest back on the send
 * queue itself, and this message is done.
 */
export const handler = queueWorker(
  'sender',
  { schema: sendJobSchema, what: 'send job' },
  async (job, context) => {
    const timeLeftMs = () => context.getRemainingTimeInMillis();
    try {
      report(job.digestId, await deliverSendJob({ ...ports, timeLeftMs }, settings, job, () => new Date()));
    } catch (error) {
      if (error instanceof DeliveryIncompleteError) count('mailsFailed', error.failed);
      throw error;
    }
  },
);
