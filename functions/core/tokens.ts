import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from '#core/errors.ts';

/** What a token lets its bearer do; a token signed for one purpose is refused for any other. */
export type TokenPurpose =
  | 'unsubscribe'
  | 'undo-unsubscribe'
  | 'confirm'
  | 'preferences'
  | 'data'
  | 'erase'
  | 'never-suggest';

/**
 * Purposes whose tokens must carry an expiry: a token of one of these without one is refused, so a
 * link that confirms, reveals or erases can never be made to last for ever.
 */
const MUST_EXPIRE: ReadonlySet<TokenPurpose> = new Set(['confirm', 'data', 'erase', 'undo-unsubscribe']);

/** Signing keys by key id; `current` signs, every listed key verifies (so keys can be rotated). */
export interface TokenKeys {
  readonly current: string;
  /** A Map, not an object: the key id comes from the URL, and `constructor` must find nothing. */
  readonly keys: ReadonlyMap<string, string>;
}

const SUBJECT = /^[A-Za-z0-9_-]{1,64}$/;
const EXPIRY = /^[0-9a-z]{1,12}$/;

/**
 * A URL-safe token `<kid>.<subject>.<expiry>.<mac>`: the HMAC-SHA256 covers the purpose, so an
 * unsubscribe token cannot confirm anyone. `expiresAt` is omitted only for tokens that must keep working
 * in old mail (unsubscribe, preferences, never-suggest).
 */
export function signToken(keys: TokenKeys, purpose: TokenPurpose, subject: string, expiresAt?: Date): string {
  if (!SUBJECT.test(subject)) throw new RangeError('token subject must be 1-64 URL-safe characters');
  if (!expiresAt && MUST_EXPIRE.has(purpose)) throw new RangeError(`a ${purpose} token must expire`);
  const secret = keys.keys.get(keys.current);
  if (!secret) throw new RangeError(`the current token key "${keys.current}" is not among the keys`);
  const expiry = expiresAt ? Math.floor(expiresAt.getTime() / 1000).toString(36) : '';
  return `${keys.current}.${subject}.${expiry}.${mac(secret, purpose, keys.current, subject, expiry)}`;
}

/** The token's subject, if the token is genuine, for this purpose, and not expired. */
export function verifyToken(keys: TokenKeys, purpose: TokenPurpose, token: string, now = new Date()): string {
  const parts = token.split('.');
  if (parts.length !== 4)
    throw new InvalidTokenError('the link is incomplete: copy the whole link from the mail');
  const [kid, subject, expiry, given] = parts as [string, string, string, string];
  const secret = keys.keys.get(kid);
  if (!secret || !SUBJECT.test(subject) || (expiry !== '' && !EXPIRY.test(expiry)))
    throw new InvalidTokenError('the link is not valid');
  if (expiry === '' && MUST_EXPIRE.has(purpose)) throw new InvalidTokenError('the link is not valid');
  const expected = Buffer.from(mac(secret, purpose, kid, subject, expiry));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new InvalidTokenError('the link is not valid');
  }
  if (expiry && Number.parseInt(expiry, 36) * 1000 < now.getTime()) {
    throw new InvalidTokenError('the link has expired');
  }
  return subject;
}

/** Each secret as a key object, made once: an HMAC keyed by it starts without hashing the key again. */
const keyObjects = new Map<string, KeyObject>();
function keyObjectOf(secret: string): KeyObject {
  let key = keyObjects.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret));
    keyObjects.set(secret, key);
  }
  return key;
}

function mac(secret: string, purpose: TokenPurpose, kid: string, subject: string, expiry: string): string {
  return createHmac('sha256', keyObjectOf(secret))
    .update(`herald:${purpose}:${kid}:${subject}:${expiry}`)
    .digest('base64url')
    .slice(0, 32);
}
