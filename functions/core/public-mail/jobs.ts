import type { Language } from '#core/i18n/languages.ts';
import type { Cadence } from '#core/subscriptions/subscriber.ts';

/**
 * A mail the public caused, waiting in the public-mail queue. Requests are answered as soon as the job
 * is queued, so the answer takes the same time whatever becomes of it; the worker sends each at most
 * one mail, paced under the account's rate and counted in the daily quota like digests.
 */
export type PublicMailJob =
  | {
      /** A subscribe request: the worker decides (suppressed, confirmed, limited…) and may send a confirmation. */
      readonly kind: 'subscribe';
      readonly email: string;
      readonly lang: Language;
      readonly cadence: Cadence;
      readonly topics: readonly string[];
      readonly clientAddress: string;
      readonly source: 'page' | 'api';
    }
  | { readonly kind: 'welcome'; readonly subscriberId: string }
  /** A download or erase link, signed by the worker (no token waits in the queue). */
  | { readonly kind: 'link'; readonly subscriberId: string; readonly link: 'data' | 'erase' }
  | {
      /** One friend of a suggestion: one job per friend, so each is one mail. */
      readonly kind: 'suggestion';
      readonly articleId: string;
      readonly lang: Language;
      readonly senderName: string;
      readonly note?: string;
      readonly friend: string;
    };

/** A job as queued: how many times it already had to wait. */
export type QueuedPublicMail = PublicMailJob & { readonly waited?: number };
