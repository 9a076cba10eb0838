import { exitOnSignals, joinLocalStack } from '#local/environment.ts';
import { senderPoller } from '#local/stack.ts';

/**
 * The sender on its own, in a process of its own: like a Lambda execution environment, it can die at
 * any moment (kill -9) and be started again, while the queues and tables — in the emulators' process —
 * keep everything. `npm start` runs it this way and restarts it when it dies.
 *
 * Environment: HERALD_HOME (the running stack's), HERALD_SES_ENDPOINT (send through another endpoint,
 * e.g. a fault proxy), HERALD_SEND_VISIBILITY_SECONDS (how long a batch a dead sender held stays hidden).
 */
const config = joinLocalStack();

// A batch whose jobs all failed was logged job by job by the handler already; anything else is news.
const poller = senderPoller(config, (error) => {
  if (error instanceof Error && error.name === 'FullBatchFailureError') return;
  console.error(`[sender] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
});
poller.start();
process.send?.('ready');

exitOnSignals(() => poller.stop());
