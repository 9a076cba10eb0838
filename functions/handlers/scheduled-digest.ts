import type { Context } from 'aws-lambda';
import { publishing } from '#builders/publishing.ts';
import { runScheduledDigest, type ScheduledCadence, type ScheduledRun } from '#core/digests/scheduled.ts';
import { scheduledCadence } from '#handlers/shared/events.ts';
import { logger } from '#handlers/shared/logger.ts';
import { observed } from '#handlers/shared/observed.ts';

const { ports, settings } = publishing();

/** A schedule's payload always runs; anything else is logged and dropped (`undefined`). */
type ScheduledDigestHandler = {
  (event: { readonly cadence: ScheduledCadence }, context?: Context): Promise<ScheduledRun>;
  (event: unknown, context?: Context): Promise<ScheduledRun | undefined>;
};

/**
 * EventBridge Scheduler (or `herald digest run`) → one daily or weekly digest run. A payload that is not
 * a schedule's is logged and dropped: the invocation is asynchronous, and a retry would not fit better.
 */
export const handler = observed('scheduled-digest', async (event: unknown) => {
  const cadence = scheduledCadence('scheduled-digest', event);
  if (!cadence) return undefined;
  const run = await runScheduledDigest(ports, settings, cadence, new Date());
  logger.info(run.articles > 0 ? 'scheduled digest planned' : 'scheduled digest skipped: nothing new', {
    cadence,
    since: run.since.toISOString(),
    articles: run.articles,
    digests: run.digests.map((d) => d.digestId),
    recipients: run.digests.reduce((sum, d) => sum + d.recipients, 0),
  });
  return run;
}) as ScheduledDigestHandler;
