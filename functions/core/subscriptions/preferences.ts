import { HttpError } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';
import type { RateLimiter } from '#core/limits/ports.ts';
import type { SubscriberStore } from '#core/subscriptions/ports.ts';
import type { Cadence, Subscriber } from '#core/subscriptions/subscriber.ts';

/** Download or erase links a reader may ask for in an hour (each is a mail). */
export const DATA_LINKS_PER_HOUR = 3;

/** What the preference center changes. */
export interface PreferenceChoices {
  readonly lang: Language;
  readonly cadence: Cadence;
  readonly topics: readonly string[];
  readonly alsoOriginalLanguage: boolean;
}

/** Saves the reader's choices; everything else about the subscription stays as it was. */
export async function savePreferences(
  ports: { readonly subscribers: Pick<SubscriberStore, 'put'> },
  subscriber: Subscriber,
  choices: PreferenceChoices,
  now: Date,
): Promise<Subscriber> {
  const updated: Subscriber = { ...subscriber, ...choices, updatedAt: now.toISOString() };
  await ports.subscribers.put(updated);
  return updated;
}

/**
 * A fresh download or erase link, signed and mailed by the public-mail worker (valid an hour), at most
 * {@link DATA_LINKS_PER_HOUR} an hour per reader; beyond, a 429 that says when to ask again.
 */
export async function askForDataLink(
  ports: {
    readonly limits: RateLimiter;
    readonly notices: { link(subscriber: Subscriber, link: 'data' | 'erase'): Promise<void> };
  },
  subscriber: Subscriber,
  link: 'data' | 'erase',
  now: Date,
): Promise<void> {
  const limit = await ports.limits.take('data-link', subscriber.id, DATA_LINKS_PER_HOUR, 3600, now);
  if (!limit.allowed) {
    const minutes = Math.ceil(limit.retryAfterSeconds / 60);
    throw new HttpError(429, `too many links asked for: try again in ${minutes} minutes`);
  }
  await ports.notices.link(subscriber, link);
}
