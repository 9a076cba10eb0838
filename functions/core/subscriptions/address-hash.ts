import { createHmac } from 'node:crypto';
import { emailKey } from '#core/subscriptions/subscriber.ts';
import type { TokenKeys } from '#core/tokens.ts';

/**
 * The keyed hash under which an address is suppressed: HMAC-SHA256 of its case-folded key with the
 * first token key (which is therefore kept when keys are rotated). The address itself is not kept.
 */
export function addressHash(keys: TokenKeys, email: string): string {
  const secret = Object.values(keys.keys)[0];
  if (!secret) throw new RangeError('no token key to hash addresses with');
  return createHmac('sha256', secret)
    .update(`herald:address:${emailKey(email)}`)
    .digest('hex');
}
