import type { ArticleStore } from '#core/documents/ports.ts';
import type { Language } from '#core/i18n/languages.ts';
import { formatMessage, loadMessages } from '#core/i18n/messages.ts';
import { firstSpentLimit } from '#core/limits/first-spent-limit.ts';
import type { RateLimiter } from '#core/limits/ports.ts';
import { fillMail } from '#core/mail/fill.ts';
import type { Mailer, TemplateSource } from '#core/mail/ports.ts';
import { renderMail } from '#core/mail/render-mail.ts';
import { articleUrl, pageUrl } from '#core/pages/urls.ts';
import { type AddressKey, addressHash, domainHash, mailboxHash } from '#core/subscriptions/address-hash.ts';
import type { SuppressionList } from '#core/subscriptions/ports.ts';
import { normalizeEmail } from '#core/subscriptions/subscriber.ts';
import { MAX_NAME, MAX_NOTE, type SuggestionLimits } from '#core/suggestions/accept.ts';
import { neutralize } from '#core/suggestions/neutralize.ts';
import { signToken, type TokenKeys } from '#core/tokens.ts';

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
  const spent = await firstSpentLimit(
    ports.limits,
    [
      {
        scope: 'suggest-mailbox',
        key: mailbox,
        limit: settings.limits.perFriendPerDay,
        windowSeconds: 86_400,
      },
      {
        scope: 'suggest-domain',
        key: domainHash(settings.addressKey, friend),
        limit: settings.limits.perDomainPerHour,
        windowSeconds: 3600,
      },
    ],
    now,
  );
  if (spent) return 'limited';

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
