import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { HttpError } from '#core/errors.ts';
import type { Language } from '#core/languages.ts';

export const CADENCES = ['immediate', 'daily', 'weekly'] as const;
export type Cadence = (typeof CADENCES)[number];

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'suppressed';

export interface Consent {
  readonly at: string;
  /** How consent was given: `double-opt-in`, or `operator-import` when an operator vouches for it. */
  readonly method: 'double-opt-in' | 'operator-import';
  readonly source: string;
}

export interface Subscriber {
  readonly id: string;
  readonly email: string;
  readonly status: SubscriberStatus;
  readonly lang: Language;
  readonly cadence: Cadence;
  /** Also receive articles that have no version in `lang`, in their original language. */
  readonly alsoOriginalLanguage?: boolean;
  /** Only articles with one of these topics; empty or absent means every article. */
  readonly topics?: readonly string[];
  readonly consent?: Consent;
  /** Where a pending subscription was asked for, until it is confirmed (then it is in `consent`). */
  readonly requested?: { readonly at: string; readonly source: string };
  /** Transient bounces counted since the last delivery. */
  readonly softBounces?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An address Herald refuses, with a message that says what to fix. */
export class InvalidEmailError extends HttpError {
  override readonly name = 'InvalidEmailError';
  constructor(message: string) {
    super(400, message);
  }
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/**
 * Validates and normalizes an address the way SES will accept it: ASCII local part (at most 64
 * octets), domain in punycode and lower case, whole address at most 254 octets (RFC 5321).
 * The local part keeps its case — only the domain is case-insensitive by standard.
 */
export function normalizeEmail(input: string): string {
  const value = input.trim();
  if (/[\r\n]/.test(value)) throw new InvalidEmailError('the address must be on one line');
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) {
    throw new InvalidEmailError('the address needs a local part, an "@" and a domain, like name@example.org');
  }
  const local = value.slice(0, at);
  const domain = domainToASCII(value.slice(at + 1).toLowerCase());
  if (!LOCAL_PART.test(local)) {
    throw new InvalidEmailError(
      'the part before "@" may hold only ASCII letters, digits and . ! # $ % & \' * + - / = ? ^ _ ` { | } ~',
    );
  }
  if (local.length > 64) throw new InvalidEmailError('the part before "@" is longer than 64 characters');
  if (!domain?.includes('.') || domain.length > 253) {
    throw new InvalidEmailError('the domain after "@" is not a valid domain name');
  }
  const email = `${local}@${domain}`;
  if (email.length > 254) throw new InvalidEmailError('the address is longer than 254 characters');
  return email;
}

/** The one key per address used for de-duplication and suppression: case-folded. */
export function emailKey(email: string): string {
  return normalizeEmail(email).toLowerCase();
}

/** A subscriber's id is derived from the address key, so the same address is always one subscriber. */
export function subscriberIdFor(email: string): string {
  return `s_${createHash('sha256').update(emailKey(email)).digest('hex').slice(0, 24)}`;
}
