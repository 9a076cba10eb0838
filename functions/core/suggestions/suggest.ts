import { formatMessage, loadMessages } from '#core/digests/messages.ts';
import { HttpError } from '#core/errors.ts';
import type { Language } from '#core/languages.ts';
import { fillMail } from '#core/mail/fill.ts';
import { renderMail } from '#core/mail/render-mail.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { type AddressKey, addressHash } from '#core/subscriptions/address-hash.ts';
import { normalizeEmail } from '#core/subscriptions/subscriber.ts';
import { signToken, type TokenKeys } from '#core/tokens.ts';
import type { ArticleStore, Mailer, RateLimiter, SuppressionList, TemplateSource } from '#ports/index.ts';

export const MAX_FRIENDS = 3;
export const MAX_NAME = 60;
export const MAX_NOTE = 500;

export interface SuggestionPorts {
  readonly articles: Pick<ArticleStore, 'getVersions' | 'countSuggestion'>;
  /** Addresses never to mail (bounced, complained, erased). */
  readonly suppressions: Pick<SuppressionList, 'has'>;
  /** Addresses that asked for no more suggestions. */
  readonly optOuts: SuppressionList;
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
  readonly limits: {
    readonly perClientPerHour: number;
    readonly perSenderPerHour: number;
    readonly perFriendPerDay: number;
  };
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

/** Text that mail programs would turn into a link stays text: a zero-width space breaks the pattern. */
export function unlinkable(text: string): string {
  return text
    .replace(/:\/\//g, ':/\u200b/')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
    .replace(/@/g, '@\u200b');
}

/**
 * "Suggest to a friend" that cannot be turned into a spam relay: a fixed template in the article's
 * language (who suggested it, title, summary, link, an optional plain-text note that no mail program
 * turns into links), From Herald and Reply-To the sender, at most three friends, limits per client and
 * per sender (429) and per friend (silently nothing). Suppressed addresses and those who asked for no
 * suggestions get nothing, and the sender is not told. No friend's address is kept.
 */
export async function suggestArticle(
  ports: SuggestionPorts,
  settings: SuggestionSettings,
  suggestion: Suggestion,
  now: Date,
): Promise<{ sent: number }> {
  const article = (await ports.articles.getVersions(suggestion.articleId)).find(
    (v) => v.lang === suggestion.lang && !v.withdrawnAt,
  );
  if (!article) throw new HttpError(404, 'there is no such article in that language');
  const senderEmail = normalizeEmail(suggestion.senderEmail);
  const friends = [...new Set(suggestion.friendEmails.map((email) => normalizeEmail(email)))];

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
    addressHash(settings.addressKey, senderEmail),
    settings.limits.perSenderPerHour,
    3600,
    now,
  );
  if (!sender.allowed) throw new SuggestionLimitedError(sender.retryAfterSeconds, 'from this address');

  const messages = await loadMessages(ports.templates, article.lang);
  const t = (key: string, values: Record<string, string> = {}) =>
    formatMessage(messages, article.lang, key, { publisher: settings.publisher, ...values });
  const senderName = suggestion.senderName.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
  const url = articleUrl(settings.publicBaseUrl, article.articleId, article.lang);
  let sent = 0;
  for (const friend of friends) {
    const hash = addressHash(settings.addressKey, friend);
    if ((await ports.suppressions.has(hash)) || (await ports.optOuts.has(hash))) continue;
    if (
      !(await ports.limits.take('suggest-friend', hash, settings.limits.perFriendPerDay, 86_400, now)).allowed
    )
      continue;
    const mail = await renderMail(
      ports.templates,
      'suggestion',
      { lang: article.lang, publisher: settings.publisher, postalAddress: settings.postalAddress },
      {
        senderName: unlinkable(senderName),
        note: suggestion.note ? unlinkable(suggestion.note.trim().slice(0, MAX_NOTE)) : undefined,
        article: { title: article.title, summary: article.summary, url },
      },
      ['neverSuggestUrl'],
    );
    const neverSuggestUrl = pageUrl(
      settings.publicBaseUrl,
      `suggestions/stop?t=${encodeURIComponent(signToken(settings.tokenKeys, 'never-suggest', hash))}&lang=${article.lang}`,
    );
    const filled = fillMail(mail, t('suggestSubject', { name: senderName }), article.title, {
      neverSuggestUrl,
    });
    await ports.mailer.send({
      from: settings.from,
      to: friend,
      replyTo: senderEmail,
      ...filled,
      headers: [],
    });
    sent++;
  }
  await ports.articles.countSuggestion(article.articleId, sent);
  return { sent };
}
