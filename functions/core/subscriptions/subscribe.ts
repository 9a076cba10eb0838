import { HttpError, InvalidTokenError } from '#core/errors.ts';
import { firstSpentLimit } from '#core/limits/first-spent-limit.ts';
import type { RateLimiter } from '#core/limits/ports.ts';
import { pageUrl } from '#core/pages/urls.ts';
import { type PublicMailBudget, takePublicBudget } from '#core/public-mail/budget.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';
import {
  type AddressKey,
  addressHash,
  domainHash,
  mailboxHash,
  subscriberIdFor,
} from '#core/subscriptions/address-hash.ts';
import type { Notices, SubscriberStore, SuppressionList } from '#core/subscriptions/ports.ts';
import {
  normalizeEmail,
  type SubscribeRequest,
  type Subscriber,
  subscriberRow,
} from '#core/subscriptions/subscriber.ts';
import { signToken, type TokenKeys, verifyToken } from '#core/tokens.ts';

export interface SubscriptionPorts {
  readonly subscribers: SubscriberStore;
  readonly suppressions: SuppressionList;
  readonly limits: RateLimiter;
  readonly notices: Pick<Notices, 'confirmation'>;
}

export interface SubscriptionLimits {
  /** Confirmation mails per target mailbox (aliases counted together) per day (beyond: nothing is sent). */
  readonly confirmationsPerMailboxPerDay: number;
  /** Confirmation mails per target domain per hour (beyond: nothing is sent). */
  readonly confirmationsPerDomainPerHour: number;
}

export interface SubscriptionSettings {
  readonly publicBaseUrl: string;
  readonly tokenKeys: TokenKeys;
  readonly addressKey: AddressKey;
  readonly limits: SubscriptionLimits;
  /** How long a confirmation link works. */
  readonly confirmHours: number;
}

/** Why a subscribe request sent nothing; never shown to the caller, only logged and counted. */
export type Silent = 'sent' | 'suppressed' | 'already-confirmed' | 'target-limited';

/** Too many requests from this client: the one limit that may answer differently (429). */
export class ClientLimitedError extends HttpError {
  override readonly name = 'ClientLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      `too many requests from your network: try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
    );
  }
}

/**
 * Double opt-in, step zero, on the request path: the address is checked, the client's limit and the
 * public-mail budget are taken (the only limits that may answer otherwise: 429), and the request is
 * queued. Nothing here depends on who the address belongs to, so neither the answer nor its time tells
 * whether it is subscribed.
 */
export async function acceptSubscription(
  ports: { readonly limits: RateLimiter; readonly queue: PublicMailQueue },
  settings: { readonly perClientPerHour: number; readonly budget: PublicMailBudget },
  request: SubscribeRequest & { readonly honeypot?: string },
  now: Date,
): Promise<'queued' | 'honeypot'> {
  const email = normalizeEmail(request.email);
  if (request.honeypot) return 'honeypot';
  const client = await ports.limits.take(
    'subscribe-client',
    request.clientAddress,
    settings.perClientPerHour,
    3600,
    now,
  );
  if (!client.allowed) throw new ClientLimitedError(client.retryAfterSeconds);
  await takePublicBudget(ports.limits, settings.budget, 1, now);
  const { lang, cadence, topics, clientAddress, source } = request;
  await ports.queue.enqueue([{ kind: 'subscribe', email, lang, cadence, topics, clientAddress, source }]);
  return 'queued';
}

/**
 * Double opt-in, step one, in the public-mail worker. Whatever the address — unknown, pending,
 * confirmed, suppressed, limited — the caller got the same answer already. Only a pending (or new, or
 * formerly unsubscribed) address gets a confirmation mail, within the limits per mailbox (its aliases
 * counted together) and per domain; a confirmed one is never downgraded.
 */
export async function requestSubscription(
  ports: SubscriptionPorts,
  settings: SubscriptionSettings,
  request: SubscribeRequest,
  now: Date,
): Promise<Silent> {
  const email = normalizeEmail(request.email);
  if (await ports.suppressions.has(addressHash(settings.addressKey, email))) return 'suppressed';

  const id = subscriberIdFor(settings.addressKey, email);
  const existing = await ports.subscribers.get(id);
  if (existing?.status === 'confirmed') return 'already-confirmed';
  if (existing?.status === 'suppressed') return 'suppressed';
  const spent = await firstSpentLimit(
    ports.limits,
    [
      {
        scope: 'confirm-mailbox',
        key: mailboxHash(settings.addressKey, email),
        limit: settings.limits.confirmationsPerMailboxPerDay,
        windowSeconds: 86_400,
      },
      {
        scope: 'confirm-domain',
        key: domainHash(settings.addressKey, email),
        limit: settings.limits.confirmationsPerDomainPerHour,
        windowSeconds: 3600,
      },
    ],
    now,
  );
  if (spent) return 'target-limited';

  const { lang, cadence, topics } = request;
  const requested = { at: now.toISOString(), source: `${request.source} from ${request.clientAddress}` };
  const pending = subscriberRow(
    existing,
    { id, email, status: 'pending', lang, cadence, topics, requested },
    now,
  );
  await ports.subscribers.put(pending);
  const expires = new Date(now.getTime() + settings.confirmHours * 3_600_000);
  const token = signToken(settings.tokenKeys, 'confirm', id, expires);
  await ports.notices.confirmation(
    pending,
    pageUrl(settings.publicBaseUrl, `confirm?t=${encodeURIComponent(token)}`),
  );
  return 'sent';
}

export type ConfirmOutcome = 'confirmed' | 'already-confirmed';

/**
 * Double opt-in, step two: only a pending subscriber can be confirmed, and only with an unexpired
 * confirmation token — so a link cannot bring back someone who has since unsubscribed. A welcome
 * mail follows.
 */
export async function confirmSubscription(
  ports: { readonly subscribers: SubscriberStore; readonly notices: Pick<Notices, 'welcome'> },
  keys: TokenKeys,
  token: string,
  now: Date,
): Promise<{ outcome: ConfirmOutcome; subscriber: Subscriber }> {
  const id = verifyToken(keys, 'confirm', token, now);
  const subscriber = await ports.subscribers.get(id);
  if (subscriber?.status === 'confirmed') return { outcome: 'already-confirmed', subscriber };
  if (subscriber?.status !== 'pending') throw new InvalidTokenError('the link is no longer valid');
  const at = now.toISOString();
  const confirmed: Subscriber = {
    ...subscriber,
    status: 'confirmed',
    consent: { at, method: 'double-opt-in', source: subscriber.requested?.source ?? 'web' },
    updatedAt: at,
  };
  await ports.subscribers.put(confirmed);
  await ports.notices.welcome(confirmed);
  return { outcome: 'confirmed', subscriber: confirmed };
}
