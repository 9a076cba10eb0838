import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { publicMail } from '#builders/public-mail.ts';
import { queuedPublicMailSchema } from '#core/public-mail/jobs.ts';
import { type PublicMailResult, workPublicMail } from '#core/public-mail/work.ts';
import { queueWorker } from '#handlers/shared/batch.ts';
import { logger } from '#handlers/shared/logger.ts';
import { metricName, metrics } from '#handlers/shared/metrics.ts';

const { ports, settings } = await publicMail();

/** What the log and the metrics say of one job. */
function report(kind: string, result: PublicMailResult) {
  const count = (name: string) => void metrics.addMetric(name, MetricUnit.Count, 1);
  if (result.kind === 'done') {
    logger.info('public mail', { kind, outcome: result.outcome });
    return count(metricName('publicMail', result.outcome));
  }
  if (result.kind === 'rejected') {
    logger.warn('public mail refused for its address', { kind });
    return count('publicMailRejected');
  }
  if (result.kind === 'given-up') {
    logger.error('public mail given up after waiting a day', { kind, reason: result.reason });
    return count('publicMailGivenUp');
  }
  if (result.accountRefused) count('sendingPaused');
  logger.warn('public mail waits', { kind, reason: result.reason, delaySeconds: result.delaySeconds });
  count('publicMailWaiting');
}

/**
 * The public-mail worker: confirmations, welcomes, data links and suggestions, each decided and sent
 * by the core (`workPublicMail`), paced under its share of the account's rate and counted in the daily
 * quota. Infrastructure faults are retried (and may end in the DLQ).
 */
export const handler = queueWorker(
  'public-mail',
  { schema: queuedPublicMailSchema, what: 'public-mail job' },
  async (job) => report(job.kind, await workPublicMail(ports, settings, job, new Date())),
  { inOrder: true },
);
