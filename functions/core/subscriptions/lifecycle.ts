import {
  type AddressKey,
  addressHash,
  legacySubscriberIdFor,
  subscriberIdFor,
} from '#core/subscriptions/address-hash.ts';
import type { ReaderHistory, SubscriberStore, SuppressionList } from '#core/subscriptions/ports.ts';
import { normalizeEmail, type Subscriber } from '#core/subscriptions/subscriber.ts';
import { signToken, type TokenKeys, verifyToken } from '#core/tokens.ts';

export interface LifecyclePorts {
  readonly subscribers: SubscriberStore;
  readonly suppressions: SuppressionList;
}

/** How long the "undo" on the page that confirms an unsubscribe works. */
export const UNDO_MINUTES = 15;

/**
 * The token of the "undo" button, shown only on the page that confirms an unsubscribe: short-lived, and
 * of its own purpose — the unsubscribe token in old or forwarded mail can never re-subscribe anyone.
 */
export function undoToken(keys: TokenKeys, subscriberId: string, now: Date): string {
  return signToken(keys, 'undo-unsubscribe', subscriberId, new Date(now.getTime() + UNDO_MINUTES * 60_000));
}

/** "Undo" on the unsubscribe page: the undo token proves the reader; only an unsubscribed one comes back. */
export async function resubscribeByToken(
  store: SubscriberStore,
  keys: TokenKeys,
  token: string,
  now: Date,
): Promise<Subscriber | undefined> {
  const subscriber = await store.get(verifyToken(keys, 'undo-unsubscribe', token, now));
  if (subscriber?.status !== 'unsubscribed') return subscriber;
  const back: Subscriber = { ...subscriber, status: 'confirmed', updatedAt: now.toISOString() };
  await store.put(back);
  return back;
}

/**
 * Suppresses an address for good — bounced, complained, or an operator's decision: its keyed hash goes on
 * the suppression list (so no import or form brings it back) and its subscriber, if any, is suppressed.
 */
export async function suppressAddress(
  ports: LifecyclePorts,
  key: AddressKey,
  email: string,
  reason: 'bounce' | 'complaint' | 'operator',
  now: Date,
): Promise<Subscriber | undefined> {
  const address = normalizeEmail(email);
  await ports.suppressions.add(addressHash(key, address), reason, now);
  const subscriber = await ports.subscribers.get(subscriberIdFor(key, address));
  if (subscriber && subscriber.status !== 'suppressed')
    await ports.subscribers.setStatus(subscriber.id, 'suppressed', now);
  return subscriber;
}

/**
 * Erasure: the subscriber and its address are deleted, and so is its history — its send-ledger rows
 * are anonymised (the counts stay) and its receipts deleted. Only the keyed hash of the address stays,
 * on the suppression list, so it is never re-added.
 */
export async function eraseSubscriber(
  ports: LifecyclePorts & { readonly history: ReaderHistory },
  key: AddressKey,
  subscriber: Subscriber,
  now: Date,
) {
  await ports.suppressions.add(addressHash(key, subscriber.email), 'erased', now);
  const ids = [subscriber.id, legacySubscriberIdFor(subscriber.email)];
  const forgotten = await ports.history.forget(ids);
  for (const id of ids) await ports.subscribers.delete(id);
  return forgotten;
}

/** Everything Herald keeps about a subscriber, as the reader downloads it. */
export function exportSubscriber(subscriber: Subscriber) {
  return {
    email: subscriber.email,
    status: subscriber.status,
    language: subscriber.lang,
    cadence: subscriber.cadence,
    topics: subscriber.topics ?? [],
    alsoOriginalLanguage: subscriber.alsoOriginalLanguage ?? false,
    consent: subscriber.consent ?? null,
    requested: subscriber.requested ?? null,
    createdAt: subscriber.createdAt,
    updatedAt: subscriber.updatedAt,
  };
}
