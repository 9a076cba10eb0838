import { z } from 'zod';
import { runScheduledDigest, type ScheduledRun } from '#core/digests/scheduled.ts';
import { logger } from '#handlers/shared/logger.ts';
import { observed } from '#handlers/shared/observed.ts';
import { publishingFromEnv } from '#handlers/shared/publishing.ts';

const { ports, settings } = publishingFromEnv();
const input = z.object({ cadence: z.enum(['daily', 'weekly']) });

/** EventBridge Scheduler (or `herald digest run`) → one daily or weekly digest run. */
export const handler = observed('scheduled-digest', async (event: unknown): Promise<ScheduledRun> => {
  const { cadence } = input.parse(event);
  const run = await runScheduledDigest(ports, settings, cadence, new Date());
  logger.info(run.articles > 0 ? 'scheduled digest planned' : 'scheduled digest skipped: nothing new', {
    cadence,
    since: run.since.toISOString(),
    articles: run.articles,
    digests: run.digests.map((d) => d.digestId),
    recipients: run.digests.reduce((sum, d) => sum + d.recipients, 0),
  });
  return run;
});
