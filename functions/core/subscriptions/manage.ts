import type { Language } from '#core/languages.ts';
import {
  type Cadence,
  normalizeEmail,
  type Subscriber,
  subscriberIdFor,
} from '#core/subscriptions/subscriber.ts';
import { type TokenKeys, verifyToken } from '#core/tokens.ts';
import type { SubscriberStore } from '#ports/index.ts';

export interface OperatorImport {
  readonly email: string;
  readonly lang: Language;
  readonly cadence: Cadence;
  readonly alsoOriginalLanguage?: boolean;
  /** Where the operator's record of consent comes from (a form, an event, a CSV file). */
  readonly source: string;
}

/**
 * Adds a subscriber whom the operator vouches has consented, already confirmed. An address that is
 * known keeps its history; only an unsubscribed or suppressed one is never brought back this way.
 */
export async function addConfirmedSubscriber(
  store: SubscriberStore,
  input: OperatorImport,
  now: Date,
): Promise<{ subscriber: Subscriber; created: boolean }> {
  const email = normalizeEmail(input.email);
  const id = subscriberIdFor(email);
  const existing = await store.get(id);
  if (existing && (existing.status === 'unsubscribed' || existing.status === 'suppressed')) {
    return { subscriber: existing, created: false };
  }
  const at = now.toISOString();
  const subscriber: Subscriber = {
    id,
    email,
    status: 'confirmed',
    lang: input.lang,
    cadence: input.cadence,
    alsoOriginalLanguage: input.alsoOriginalLanguage ?? existing?.alsoOriginalLanguage ?? false,
    consent: existing?.consent ?? { at, method: 'operator-import', source: input.source },
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
  };
  await store.put(subscriber);
  return { subscriber, created: !existing };
}

/** Unsubscribes the bearer of an unsubscribe token; doing it twice is the same as once. */
export async function unsubscribeByToken(
  store: SubscriberStore,
  keys: TokenKeys,
  token: string,
  now: Date,
): Promise<Subscriber | undefined> {
  const id = verifyToken(keys, 'unsubscribe', token, now);
  const subscriber = await store.get(id);
  if (subscriber && subscriber.status !== 'unsubscribed' && subscriber.status !== 'suppressed') {
    await store.setStatus(id, 'unsubscribed', now);
  }
  return subscriber;
}
