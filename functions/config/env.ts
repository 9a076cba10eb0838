import * as z from 'zod/mini';
import { S3_PREFIXES } from '#config/contract/storage.ts';
import { isIanaTimeZone } from '#core/digests/schedule-times.ts';
import { ConfigError } from '#core/errors.ts';
import type { AddressKey } from '#core/subscriptions/address-hash.ts';
import type { TokenKeys } from '#core/tokens.ts';

// zod/mini: the same validation in a few kilobytes, because this module is in every function's bundle.

/** Validates the environment once, at cold start; a bad value names its variable and what is wrong. */
export function readEnv<T extends z.core.$ZodLooseShape>(shape: T, env: NodeJS.ProcessEnv = process.env) {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration — ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}

const required = (what: string) =>
  z.string({ error: `required (${what})` }).check(z.minLength(1, `required (${what})`));
const count = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z._default(z.coerce.number().check(z.int(), z.positive(), z.maximum(max)), fallback);
const text = (fallback: string) => z._default(z.string(), fallback);

/** The pieces of configuration, each named by its environment variable. */
export const env = {
  HERALD_TABLE: required('the DynamoDB table name'),
  HERALD_BUCKET: required('the documents bucket name'),
  HERALD_DOCUMENTS_PREFIX: text(S3_PREFIXES.documents),
  HERALD_SEND_QUEUE_URL: z.url({ error: 'must be the URL of the send queue' }),
  HERALD_FROM_ADDRESS: required(
    'the verified SES address digests are sent from, e.g. "Press Office <news@example.org>"',
  ),
  HERALD_SES_CONFIGURATION_SET: z.optional(z.string()),
  HERALD_PUBLIC_BASE_URL: z.url({
    error: 'must be the public base URL of the pages, e.g. https://news.example.org/',
  }),
  HERALD_PUBLISHER_NAME: z._default(z.string().check(z.minLength(1)), 'Herald'),
  /** The publisher's postal address, shown in the footer of every mail (bulk-mail rules ask for one). */
  HERALD_POSTAL_ADDRESS: z.optional(z.string()),
  /** At most this many articles in one digest; the rest are linked from the archive. */
  HERALD_MAX_ARTICLES_PER_DIGEST: count(10, 50),
  HERALD_TIME_ZONE: z._default(
    z.string().check(z.refine(isIanaTimeZone, 'must be UTC or an IANA time zone name such as Europe/Paris')),
    'UTC',
  ),
  HERALD_MAX_DOCUMENT_BYTES: count(1024 * 1024),
  HERALD_TEMPLATES_DIR: z.optional(z.string()),
  /** Where the proof-of-work widget script is (in the bundle on AWS; by default the altcha package). */
  HERALD_ASSETS_DIR: z.optional(z.string()),
  /** Locally only: the SES emulator's outbox, linked from the home page. */
  HERALD_LOCAL_OUTBOX_URL: z.optional(z.string()),
  /** Origins allowed to post the subscribe API from their pages (comma-separated), for the embeddable form. */
  HERALD_CORS_ORIGINS: z.pipe(
    text(''),
    z.transform((value: string) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  ),
  HERALD_SUBSCRIBE_PER_CLIENT_PER_HOUR: count(20),
  /** Confirmation mails per target mailbox (its aliases counted together) per day. */
  HERALD_CONFIRMATIONS_PER_MAILBOX_PER_DAY: count(3),
  /** Confirmation mails per target domain per hour. */
  HERALD_CONFIRMATIONS_PER_DOMAIN_PER_HOUR: count(100),
  HERALD_SOFT_BOUNCE_LIMIT: count(3),
  HERALD_SUGGEST_PER_CLIENT_PER_HOUR: count(10),
  /** Per sender mailbox (aliases counted together). */
  HERALD_SUGGEST_PER_SENDER_PER_HOUR: count(5),
  /** Per friend mailbox (aliases counted together). */
  HERALD_SUGGEST_PER_FRIEND_PER_DAY: count(2),
  HERALD_SUGGEST_PER_DOMAIN_PER_HOUR: count(20),
  /** Whether a suggestion may carry a note (plain text, neutralized); `false` refuses notes. */
  HERALD_SUGGEST_NOTES: z._default(z.stringbool(), true),
  /** The mean number of SHA-256 rounds a proof of work takes to solve (about a second on a phone). */
  HERALD_PROOF_COST: count(50_000, 10_000_000),
  /** Where subscribing needs a proof of work: `page` (Herald's own form), `all` (the API too), or `off`. */
  HERALD_SUBSCRIBE_PROOF: z._default(z.enum(['page', 'all', 'off']), 'page'),
  /** The public-mail queue: every mail the public can cause waits there for the public-mail worker. */
  HERALD_PUBLIC_MAIL_QUEUE_URL: z.url({ error: 'must be the URL of the public-mail queue' }),
  /** Mails the public may cause, as a whole, per hour and per day (beyond: 429 with Retry-After). */
  HERALD_PUBLIC_MAILS_PER_HOUR: count(200),
  HERALD_PUBLIC_MAILS_PER_DAY: count(1000),
  /** Mails a second for the public-mail worker; never more than a tenth of the account's rate. */
  HERALD_PUBLIC_MAIL_RATE: z._default(z.coerce.number().check(z.positive()), 2),
  /** Public-mail workers running at once (on AWS: the event source's maximum concurrency); each paces at its share. */
  HERALD_PUBLIC_MAIL_CONCURRENCY: count(1),
  /** Mails per second for all senders together; on AWS, when unset, the SES account's MaxSendRate. */
  HERALD_MAX_SEND_RATE: z.optional(z.coerce.number().check(z.positive())),
  /**
   * How many sender processes share the rate (on AWS: the SQS event source's maximum concurrency, one
   * invocation per execution environment; locally one process): each paces at its share.
   */
  HERALD_SENDER_CONCURRENCY: count(1),
  /** How long (seconds) the rest of a job waits after persistent throttling (jittered). */
  HERALD_THROTTLE_DEFER_SECONDS: count(30, 900),
  /** How often (seconds) a job of a paused digest, or with sending switched off, looks again. */
  HERALD_PAUSE_DEFER_SECONDS: count(60, 900),
  /** Mails Herald may send in the quota window; on AWS, when unset, 95 % of the account's Max24HourSend. */
  HERALD_DAILY_QUOTA: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
  /** The quota's rolling window in seconds (SES: one day). */
  HERALD_QUOTA_WINDOW_SECONDS: count(86_400),
  /** How long (seconds) a claimed ledger row is held before another sender may take it over. */
  HERALD_SEND_LEASE_SECONDS: count(120),
  /** Recipients failing one after another that pause a digest. */
  HERALD_MAX_FAILURE_STREAK: count(20),
  /** Approval mode: each new digest waits for `herald digest approve`. */
  HERALD_REQUIRE_APPROVAL: z._default(z.stringbool(), false),
  /** Locally: the token keys as JSON. On AWS the keys live in Secrets Manager instead. */
  HERALD_TOKEN_KEYS: z.optional(z.string()),
  HERALD_TOKEN_KEYS_SECRET_ARN: z.optional(z.string()),
  /** Locally: the address key itself. On AWS it lives in a secret of its own instead. */
  HERALD_ADDRESS_KEY: z.optional(z.string()),
  HERALD_ADDRESS_KEY_SECRET_ARN: z.optional(z.string()),
} as const;

/**
 * Parses token keys, `{"current":"k2","k2":"<secret>","k1":"<older secret>"}` — the shape a generated
 * Secrets Manager secret takes — without ever echoing a secret. Key ids become the keys of a Map, so an
 * id such as `constructor` or `__proto__` is an id like any other, never a property of an object.
 */
export function parseTokenKeys(json: string, from: string): TokenKeys {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConfigError(`${from}: token keys are not JSON`);
  }
  const shape = `${from}: token keys must look like {"current":"k1","k1":"<secret of 32+ characters>"}`;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(shape);
  const entries = Object.entries(value);
  const current = entries.find(([id]) => id === 'current')?.[1];
  if (typeof current !== 'string' || current === '') throw new ConfigError(shape);
  const keys = new Map<string, string>();
  for (const [id, secret] of entries) {
    if (id === 'current') continue;
    if (typeof secret !== 'string' || secret.length < 32)
      throw new ConfigError(`${shape}: each token key must be at least 32 characters`);
    keys.set(id, secret);
  }
  if (!keys.has(current))
    throw new ConfigError(`${from}: the current key "${current}" is not among the keys`);
  return { current, keys };
}

/**
 * The address key: the secret that hashes addresses (subscriber ids, suppressions, limits). It is a
 * secret of its own, never rotated with the token keys — rotating it would make every suppressed
 * address mailable again.
 */
export function parseAddressKey(value: string, from: string): AddressKey {
  const secret = value.trim();
  if (secret.length < 32) throw new ConfigError(`${from}: the address key must be at least 32 characters`);
  return { secret };
}
