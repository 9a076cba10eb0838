import type { QueuedPublicMail } from '#core/public-mail/jobs.ts';

/** The public-mail queue: the request path puts jobs in, the public-mail worker takes them out. */
export interface PublicMailQueue {
  enqueue(jobs: readonly QueuedPublicMail[], delaySeconds?: number): Promise<void>;
}
