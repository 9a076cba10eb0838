/** How often a message is tried before it moves to its dead-letter queue, on AWS and locally. */
export const MAX_RECEIVE_COUNT = 5;

export interface QueueSettings {
  /** How long a received message stays hidden: longer than the function that reads it may run. */
  readonly visibilityTimeoutSeconds: number;
  /** Messages per invocation. */
  readonly batchSize: number;
  /** How long Lambda waits to fill a batch (the local stack's poller takes its own window). */
  readonly maxBatchingWindowSeconds?: number;
  /** Functions reading the queue at once (the event source's maximum concurrency); unlimited when unset. */
  readonly maxConcurrency?: number;
}

/** Each work queue and how its function's event source reads it. */
export const QUEUES = {
  /** Documents created or removed → the ingest function. */
  ingest: { visibilityTimeoutSeconds: 360, batchSize: 10, maxBatchingWindowSeconds: 2 },
  /** Send jobs → the sender; each of its concurrent senders paces at its share of the rate. */
  send: { visibilityTimeoutSeconds: 360, batchSize: 5, maxConcurrency: 10 },
  /** The public's mails → the public-mail worker (2 is an event source's least maximum concurrency). */
  publicMail: { visibilityTimeoutSeconds: 120, batchSize: 10, maxConcurrency: 2 },
} as const satisfies Record<string, QueueSettings>;
