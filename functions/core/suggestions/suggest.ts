import { formatMessage, loadMessages } from '#core/digests/messages.ts';
import { HttpError } from '#core/errors.ts';
import type { Language } from '#core/languages.ts';
import { fillMail } from '#core/mail/fill.ts';
import { renderMail } from '#core/mail/render-mail.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { type PublicMailBudget, takePublicBudget } from '#core/public-mail/budget.ts';
import type { PublicMailQueue } from '#core/public-mail/ports.ts';
import { type AddressKey, addressHash, domainHash, mailboxHash } from '#core/subscriptions/address-hash.ts';
import { normalizeEmail } from '#core/subscriptions/subscriber.ts';
import { neutralize } from '#core/suggestions/neutralize.ts';
import { signToken, type TokenKeys } from '#core/tokens.ts';
import type { ArticleStore, Mailer, RateLimiter, SuppressionList, TemplateSource } from '#ports/index.ts';

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

  const client = await ports.limits.take(
    'suggest-client',
    suggestion.clientAddress,
    settings.limits.perClientPerHour,
    3600,
    now,
  );
  if (!client.allowed) throw new SuggestionLimitedError(client.retryAfterSeconds, 'from your network');
  const sender = await ports.limits.take(
    'suggest-sender',
    mailboxHash(settings.addressKey, senderEmail),
    settings.limits.perSenderPerHour,
    3600,
    now,
  );
  if (!sender.allowed) throw new SuggestionLimitedError(sender.retryAfterSeconds, 'from this address');
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

export interface SuggestionPorts {
  readonly articles: Pick<ArticleStore, 'getVersions' | 'countSuggestion'>;
  /** Addresses never to mail (bounced, complained, erased). */
  readonly suppressions: Pick<SuppressionList, 'has'>;
  /** Addresses (and mailboxes) that asked for no more suggestions. */
  readonly optOuts: Pick<SuppressionList, 'has'>;
  readonly limits: RateLimiter;
  readonly mailer: Mailer;
  readonly templates: TemplateSource;
}

export interface SuggestionSettings {
  readonly from: string;
  readonly publisher: string;
  readonly publicBaseUrl: string;
  readonly postalAddress?: string;
  readonly tokenKeys: TokenKeys;
  readonly addressKey: AddressKey;
  readonly limits: Pick<SuggestionLimits, 'perFriendPerDay' | 'perDomainPerHour'>;
}

export type SuggestionOutcome = 'sent' | 'withdrawn' | 'suppressed' | 'opted-out' | 'limited';

/**
 * One friend's suggestion mail, in the public-mail worker. It cannot be turned into a phishing tool
 * under the publisher's name: the subject is fixed text of the article's language, with nothing the
 * visitor typed; the name they gave appears only in the body, said to be a name a visitor gave; the
 * note is plain text with every host-, URL- and address-like token neutralized; there is no Reply-To
 * (nobody proved they own the sender's address). Suppressed and opted-out mailboxes get nothing, and
 * each mailbox and domain has its own limit — aliases of one mailbox counted together.
 */
export async function deliverSuggestion(
  ports: SuggestionPorts,
  settings: SuggestionSettings,
  job: { articleId: string; lang: Language; senderName: string; note?: string; friend: string },
  now: Date,
): Promise<SuggestionOutcome> {
  const article = (await ports.articles.getVersions(job.articleId)).find(
    (v) => v.lang === job.lang && !v.withdrawnAt,
  );
  if (!article) return 'withdrawn';
  const friend = normalizeEmail(job.friend);
  const exact = addressHash(settings.addressKey, friend);
  const mailbox = mailboxHash(settings.addressKey, friend);
  if ((await ports.suppressions.has(exact)) || (await ports.suppressions.has(mailbox))) return 'suppressed';
  if ((await ports.optOuts.has(exact)) || (await ports.optOuts.has(mailbox))) return 'opted-out';
  const perMailbox = await ports.limits.take(
    'suggest-mailbox',
    mailbox,
    settings.limits.perFriendPerDay,
    86_400,
    now,
  );
  if (!perMailbox.allowed) return 'limited';
  const perDomain = await ports.limits.take(
    'suggest-domain',
    domainHash(settings.addressKey, friend),
    settings.limits.perDomainPerHour,
    3600,
    now,
  );
  if (!perDomain.allowed) return 'limited';

  const messages = await loadMessages(ports.templates, article.lang);
  const t = (key: string) => formatMessage(messages, article.lang, key, { publisher: settings.publisher });
  const url = articleUrl(settings.publicBaseUrl, article.articleId, article.lang);
  const mail = await renderMail(
    ports.templates,
    'suggestion',
    { lang: article.lang, publisher: settings.publisher, postalAddress: settings.postalAddress },
    {
      senderName: neutralize(job.senderName.slice(0, MAX_NAME)),
      note: job.note ? neutralize(job.note.slice(0, MAX_NOTE)) : undefined,
      article: { title: article.title, summary: article.summary, url },
    },
    ['neverSuggestUrl'],
  );
  // The opt-out names the mailbox, so it covers every alias of it.
  const neverSuggestUrl = pageUrl(
    settings.publicBaseUrl,
    `suggestions/stop?t=${encodeURIComponent(signToken(settings.tokenKeys, 'never-suggest', mailbox))}&lang=${article.lang}`,
  );
  await ports.mailer.send({
    from: settings.from,
    to: friend,
    ...fillMail(mail, t('suggestSubject'), article.title, { neverSuggestUrl }),
    headers: [],
  });
  await ports.articles.countSuggestion(article.articleId, 1);
  return 'sent';
}
