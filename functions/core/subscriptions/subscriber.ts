import { domainToASCII } from 'node:url';
import { HttpError } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';

export const CADENCES = ['immediate', 'daily', 'weekly'] as const;
export type Cadence = (typeof CADENCES)[number];
/** The message key naming each cadence on a page. */
export const CADENCE_LABELS: Readonly<Record<Cadence, string>> = {
  immediate: 'cadenceImmediate',
  daily: 'cadenceDaily',
  weekly: 'cadenceWeekly',
};

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
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A domain as SES will take it: IDNA to ASCII (punycode), then dot-separated labels of letters, digits and
 * hyphens, 1–63 characters each, no empty label, at least two labels, and not ending in a number.
 */
function normalizeDomain(input: string): string {
  if (input.startsWith('['))
    throw new InvalidEmailError('an address literal like [192.0.2.1] is not accepted: give a domain name');
  const ascii = domainToASCII(input.toLowerCase());
  if (!ascii) throw new InvalidEmailError('the domain after "@" is not a valid domain name');
  const labels = ascii.split('.');
  if (labels.some((label) => label === ''))
    throw new InvalidEmailError(
      'the domain after "@" has an empty part: no two dots in a row, and no dot at its start or end',
    );
  for (const label of labels) {
    if (!LABEL.test(label))
      throw new InvalidEmailError(
        `the domain after "@" is not a valid domain name: each part between dots holds only letters, digits and hyphens (not first or last), 1 to 63 characters — "${label.slice(0, 63)}" does not`,
      );
  }
  if (labels.length < 2)
    throw new InvalidEmailError('the domain after "@" needs at least one dot, like example.org');
  if (/^[0-9]+$/.test(labels.at(-1)!))
    throw new InvalidEmailError(
      'the domain after "@" ends in a number: give a domain name, not an IP address',
    );
  if (ascii.length > 253) throw new InvalidEmailError('the domain after "@" is longer than 253 characters');
  return ascii;
}

/**
 * Validates and normalizes an address the way SES will accept it: ASCII local part (at most 64
 * octets), domain in punycode and lower case with valid labels, whole address at most 254 octets
 * (RFC 5321). The local part keeps its case — only the domain is case-insensitive by standard.
 */
export function normalizeEmail(input: string): string {
  const value = input.trim();
  if (/[\r\n]/.test(value)) throw new InvalidEmailError('the address must be on one line');
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) {
    throw new InvalidEmailError('the address needs a local part, an "@" and a domain, like name@example.org');
  }
  const local = value.slice(0, at);
  if (!LOCAL_PART.test(local)) {
    throw new InvalidEmailError(
      'the part before "@" may hold only ASCII letters, digits and . ! # $ % & \' * + - / = ? ^ _ ` { | } ~',
    );
  }
  if (local.length > 64) throw new InvalidEmailError('the part before "@" is longer than 64 characters');
  const email = `${local}@${normalizeDomain(value.slice(at + 1))}`;
  if (email.length > 254) throw new InvalidEmailError('the address is longer than 254 characters');
  return email;
}

/** The one key per address used for de-duplication and suppression: case-folded. */
export function emailKey(email: string): string {
  return normalizeEmail(email).toLowerCase();
}

/** Domains whose mailboxes ignore dots in the local part (and which are one provider). */
const DOTLESS_DOMAINS: ReadonlyMap<string, string> = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
]);

/**
 * The mailbox an address reaches, as far as Herald can tell: lower case, a `+tag` removed, and for
 * gmail.com / googlemail.com the dots removed. Limits on a recipient count this, so aliases of one
 * mailbox share one limit. (Subscribers keep the address they gave.)
 */
export function canonicalMailbox(email: string): string {
  const key = emailKey(email);
  const at = key.lastIndexOf('@');
  let local = key.slice(0, at);
  let domain = key.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const dotless = DOTLESS_DOMAINS.get(domain);
  if (dotless) {
    domain = dotless;
    local = local.replace(/\./g, '') || local;
  }
  return `${local}@${domain}`;
}

/** A request to subscribe, as a visitor made it (the request path queues it; the worker decides). */
export interface SubscribeRequest {
  readonly email: string;
  readonly lang: Language;
  readonly cadence: Cadence;
  readonly topics: readonly string[];
  readonly clientAddress: string;
  /** Where the request came from: `page` (the subscribe page) or `api` (an embedded form, a script). */
  readonly source: 'page' | 'api';
}

/**
 * A subscriber's row written anew, over `existing` if there is one: its creation time and, unless
 * `fields` says otherwise, its choice of originals kept.
 */
export function subscriberRow(
  existing: Subscriber | undefined,
  fields: Omit<Subscriber, 'createdAt' | 'updatedAt'>,
  now: Date,
): Subscriber {
  const at = now.toISOString();
  const alsoOriginalLanguage = fields.alsoOriginalLanguage ?? existing?.alsoOriginalLanguage ?? false;
  return { ...fields, alsoOriginalLanguage, createdAt: existing?.createdAt ?? at, updatedAt: at };
}
