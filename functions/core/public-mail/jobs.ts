import { z } from 'zod';
import { LANGUAGES, type Language } from '#core/i18n/languages.ts';
import { CADENCES, type SubscribeRequest } from '#core/subscriptions/subscriber.ts';

/**
 * A mail the public caused, waiting in the public-mail queue. Requests are answered as soon as the job
 * is queued, so the answer takes the same time whatever becomes of it; the worker sends each at most
 * one mail, paced under the account's rate and counted in the daily quota like digests.
 */
export type PublicMailJob =
  /** A subscribe request: the worker decides (suppressed, confirmed, limited…) and may send a confirmation. */
  | ({ readonly kind: 'subscribe' } & SubscribeRequest)
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

const waited = { waited: z.number().int().nonnegative().optional() };

/** A queued job as the worker reads it back: every field bounded, every choice one Herald knows. */
export const queuedPublicMailSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('subscribe'),
    email: z.string().max(320),
    lang: z.enum(LANGUAGES),
    cadence: z.enum(CADENCES),
    topics: z.array(z.string().max(40)).max(10),
    clientAddress: z.string().max(100),
    source: z.enum(['page', 'api']),
    ...waited,
  }),
  z.object({ kind: z.literal('welcome'), subscriberId: z.string().max(64), ...waited }),
  z.object({
    kind: z.literal('link'),
    subscriberId: z.string().max(64),
    link: z.enum(['data', 'erase']),
    ...waited,
  }),
  z.object({
    kind: z.literal('suggestion'),
    articleId: z.string().max(80),
    lang: z.enum(LANGUAGES),
    senderName: z.string().max(200),
    note: z.string().max(2000).optional(),
    friend: z.string().max(320),
    ...waited,
  }),
]) satisfies z.ZodType<QueuedPublicMail>;
