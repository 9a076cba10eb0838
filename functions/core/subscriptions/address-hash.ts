import { createHash, createHmac } from 'node:crypto';
import { canonicalMailbox, emailKey } from '#core/subscriptions/subscriber.ts';

/**
 * The secret that hashes addresses: subscriber ids, the suppression lists, the limits kept per mailbox.
 * It is not a token key and is never rotated with them (rotating it would make every suppressed address
 * mailable again); on AWS it is a secret of its own.
 */
export interface AddressKey {
  readonly secret: string;
}

const hmac = (key: AddressKey, value: string) => createHmac('sha256', key.secret).update(value).digest('hex');

/** The keyed hash under which an address is suppressed: HMAC-SHA256 of its case-folded key. */
export function addressHash(key: AddressKey, email: string): string {
  return hmac(key, `herald:address:${emailKey(email)}`);
}

/**
 * The keyed hash of the mailbox an address reaches (`+tags` and Gmail's dots removed): what limits
 * on a recipient count, so `victim+1@…` and `v.ictim@…` are the same recipient.
 */
export function mailboxHash(key: AddressKey, email: string): string {
  return hmac(key, `herald:mailbox:${canonicalMailbox(email)}`);
}

/** The keyed hash of an address's domain, for limits per recipient domain. */
export function domainHash(key: AddressKey, email: string): string {
  const domain = emailKey(email).split('@')[1] ?? '';
  return hmac(key, `herald:domain:${domain}`);
}

/**
 * A subscriber's id: a keyed hash of the address, so nobody holding a log line or a link can test a
 * guessed address against it. The same address is always the same subscriber.
 */
export function subscriberIdFor(key: AddressKey, email: string): string {
  return `r_${hmac(key, `herald:subscriber:${emailKey(email)}`).slice(0, 24)}`;
}

/**
 * The id an address had before ids were keyed (a plain SHA-256 of the address): only for
 * `herald subscribers migrate-ids`, which moves such subscribers to their keyed id.
 */
export function legacySubscriberIdFor(email: string): string {
  return `s_${createHash('sha256').update(emailKey(email)).digest('hex').slice(0, 24)}`;
}

export const isLegacySubscriberId = (id: string) => id.startsWith('s_');
