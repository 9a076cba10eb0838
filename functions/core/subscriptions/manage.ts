import type { Language } from '#core/i18n/languages.ts';
import { type AddressKey, addressHash, subscriberIdFor } from '#core/subscriptions/address-hash.ts';
import type { SubscriberStore, SuppressionList } from '#core/subscriptions/ports.ts';
import {
  type Cadence,
  normalizeEmail,
  type Subscriber,
  subscriberRow,
} from '#core/subscriptions/subscriber.ts';
import { type TokenKeys, verifyToken } from '#core/tokens.ts';

export interface OperatorImport {
  readonly email: string;
  readonly lang: Language;
  readonly cadence: Cadence;
  readonly alsoOriginalLanguage?: boolean;
  readonly topics?: readonly string[];
  /** Where the operator's record of consent comes from (a form, an event, a CSV file). */
  readonly source: string;
}

export type ImportOutcome = 'added' | 'updated' | 'unsubscribed' | 'suppressed';

/**
 * Adds a subscriber whom the operator vouches has consented, already confirmed. A known address keeps its
 * history; an address that unsubscribed, bounced, complained or was erased is never brought back this way.
 */
export async function addConfirmedSubscriber(
  ports: { readonly subscribers: SubscriberStore; readonly suppressions: SuppressionList },
  key: AddressKey,
  input: OperatorImport,
  now: Date,
): Promise<{ outcome: ImportOutcome; subscriber?: Subscriber }> {
  const email = normalizeEmail(input.email);
  if (await ports.suppressions.has(addressHash(key, email))) return { outcome: 'suppressed' };
  const id = subscriberIdFor(key, email);
  const existing = await ports.subscribers.get(id);
  if (existing?.status === 'unsubscribed' || existing?.status === 'suppressed') {
    return { outcome: existing.status, subscriber: existing };
  }
  const { lang, cadence, alsoOriginalLanguage } = input;
  const topics = input.topics ?? existing?.topics ?? [];
  const consent = existing?.consent ?? {
    at: now.toISOString(),
    method: 'operator-import',
    source: input.source,
  };
  const fields = {
    id,
    email,
    status: 'confirmed',
    lang,
    cadence,
    topics,
    alsoOriginalLanguage,
    consent,
  } as const;
  const subscriber = subscriberRow(existing, fields, now);
  await ports.subscribers.put(subscriber);
  return { outcome: existing ? 'updated' : 'added', subscriber };
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
    await store.setStatus(subscriber.id, 'unsubscribed', now);
  }
  return subscriber;
}
