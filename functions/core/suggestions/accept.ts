import type { ArticleStore } from '#core/documents/ports.ts';
import { HttpError } from '#core/errors.ts';
import type { Language } from '#core/i18n/languages.ts';
import { firstSpentLimit } from '#core/limits/first-spent-limit.ts';
import type { RateLimiter } from '#core/limits/ports.ts';
import { type PublicMailBudget, takePublicBudget } from '#core/public-mail/budget.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';
import { type AddressKey, mailboxHash } from '#core/subscriptions/address-hash.ts';
import { normalizeEmail } from '#core/subscriptions/subscriber.ts';

export const MAX_FRIENDS = 3;
export const MAX_NAME = 60;
export const MAX_NOTE = 280;

export interface SuggestionLimits {
  readonly perClientPerHour: number;
  /** Per sender mailbox (aliases counted together). */
  readonly perSenderPerHour: number;
  /** Per friend mailbox (aliases counted together): beyond it, silently nothing. */
  readonly perFriendPerDay: number;
  /** Per friend domain: beyond it, silently nothing. */
  readonly perDomainPerHour: number;
}

export interface Suggestion {
  readonly articleId: string;
  readonly lang: Language;
  readonly senderName: string;
  readonly senderEmail: string;
  readonly friendEmails: readonly string[];
  readonly note?: string;
  readonly clientAddress: string;
}

/** Too many suggestions from one client or one sender: answered 429 with a retry hint. */
export class SuggestionLimitedError extends HttpError {
  override readonly name = 'SuggestionLimitedError';
  constructor(
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(429, `too many suggestions ${what}: try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`);
  }
}

/**
 * "Suggest to a friend", on the request path: the article must exist, the client's and the sender's
 * limits (429) and the public-mail budget are taken, and one job per friend is queued. The friends'
 * fate (suppressed, opted out, limited) is decided by the worker, so the answer never tells it.
 */
export async function acceptSuggestion(
  ports: {
    readonly articles: Pick<ArticleStore, 'getVersions'>;
    readonly limits: RateLimiter;
    readonly queue: PublicMailQueue;
  },
  settings: {
    readonly addressKey: AddressKey;
    readonly limits: SuggestionLimits;
    readonly budget: PublicMailBudget;
  },
  suggestion: Suggestion,
  now: Date,
): Promise<{ queued: number }> {
  const article = (await ports.articles.getVersions(suggestion.articleId)).find(
    (v) => v.lang === suggestion.lang && !v.withdrawnAt,
  );
  if (!article) throw new HttpError(404, 'there is no such article in that language');
  const senderEmail = normalizeEmail(suggestion.senderEmail);
  const friends = new Map<string, string>();
  for (const email of suggestion.friendEmails) {
    const friend = normalizeEmail(email);
    friends.set(mailboxHash(settings.addressKey, friend), friend);
  }

  const spent = await firstSpentLimit(
    ports.limits,
    [
      {
        scope: 'suggest-client',
        key: suggestion.clientAddress,
        limit: settings.limits.perClientPerHour,
        windowSeconds: 3600,
      },
      {
        scope: 'suggest-sender',
        key: mailboxHash(settings.addressKey, senderEmail),
        limit: settings.limits.perSenderPerHour,
        windowSeconds: 3600,
      },
    ],
    now,
  );
  if (spent)
    throw new SuggestionLimitedError(
      spent.retryAfterSeconds,
      spent.check.scope === 'suggest-client' ? 'from your network' : 'from this address',
    );
  await takePublicBudget(ports.limits, settings.budget, friends.size, now);

  const senderName = suggestion.senderName.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
  const note = suggestion.note?.trim().slice(0, MAX_NOTE);
  await ports.queue.enqueue(
    [...friends.values()].map((friend) => ({
      kind: 'suggestion' as const,
      articleId: article.articleId,
      lang: article.lang,
      senderName,
      ...(note ? { note } : {}),
      friend,
    })),
  );
  return { queued: friends.size };
}
