import {
  AccountRefusedError,
  DailyQuotaExceededError,
  RecipientRejectedError,
} from '#core/delivery/send-errors.ts';
import {
  deliverPublicMail,
  type PublicMailOutcome,
  type PublicMailPorts,
  type PublicMailSettings,
} from '#core/public-mail/deliver.ts';
import type { QueuedPublicMail } from '#core/public-mail/jobs.ts';
import { PublicMailWaitError } from '#core/public-mail/paced-mailer.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';

/** A job that waited this often (about a day of 15-minute waits) is given up, and said so. */
export const MAX_WAITS = 96;
/** SES says the quota is spent (other mail counted too): the job comes back in 15 minutes. */
const QUOTA_WAIT_SECONDS = 900;
/** SES refuses the account (sending paused, for example): the job comes back in 5 minutes. */
const ACCOUNT_WAIT_SECONDS = 300;

/** What became of one public-mail job. Infrastructure faults are not here: they throw, and are retried. */
export type PublicMailResult =
  | { readonly kind: 'done'; readonly outcome: PublicMailOutcome }
  /** Put back on the queue to wait (the quota, or the account refused); `accountRefused` pauses sending. */
  | {
      readonly kind: 'waiting';
      readonly reason: string;
      readonly delaySeconds: number;
      readonly accountRefused: boolean;
    }
  /** It waited about a day already: given up, never sent. */
  | { readonly kind: 'given-up'; readonly reason: string }
  /** SES will not take this address (the reader's fault): dropped. */
  | { readonly kind: 'rejected' };

/**
 * One job of the public-mail queue, whatever becomes of it: sent (or decided silently), put back to
 * wait through the queue while the quota or the account says no, given up after a day of waiting, or
 * dropped when SES refuses its address.
 */
export async function workPublicMail(
  ports: PublicMailPorts & { readonly queue: PublicMailQueue },
  settings: PublicMailSettings,
  job: QueuedPublicMail,
  now: Date,
): Promise<PublicMailResult> {
  const wait = async (reason: string, delaySeconds: number, accountRefused = false) => {
    const waits = (job.waited ?? 0) + 1;
    if (waits > MAX_WAITS) return { kind: 'given-up', reason } as const;
    await ports.queue.enqueue([{ ...job, waited: waits }], delaySeconds);
    return { kind: 'waiting', reason, delaySeconds, accountRefused } as const;
  };
  try {
    return { kind: 'done', outcome: await deliverPublicMail(ports, settings, job, now) };
  } catch (error) {
    if (error instanceof PublicMailWaitError) return wait(error.message, error.delaySeconds);
    if (error instanceof DailyQuotaExceededError) return wait(error.message, QUOTA_WAIT_SECONDS);
    if (error instanceof AccountRefusedError) return wait(error.message, ACCOUNT_WAIT_SECONDS, true);
    if (error instanceof RecipientRejectedError) return { kind: 'rejected' };
    throw error;
  }
}
