import { exitOnSignals, joinLocalStack } from '#local/environment.ts';
import { localSchedule, workPollers } from '#local/stack.ts';

/**
 * Ingest, the public-mail worker and the daily and weekly schedule, in a process of their own: parsing a
 * hostile document or rendering a digest never holds up the web server, which stays in the emulators'
 * process. `npm start` runs it this way, and starts a new one when it dies (like a Lambda environment).
 *
 * Environment: HERALD_HOME (the running stack's), HERALD_BATCH_WINDOW_MS (the ingest batching window).
 */
const config = joinLocalStack();

const say = (line: string) => console.error(`[worker] ${line}`);
const pollers = workPollers(config, Number(process.env.HERALD_BATCH_WINDOW_MS || 1000), (line) => {
  if (!line.includes('FullBatchFailureError')) say(line);
});
for (const poller of pollers) poller.start();
const schedule = localSchedule(say);
schedule.start();

exitOnSignals(() => Promise.all([schedule.stop(), ...pollers.map((poller) => poller.stop())]));
