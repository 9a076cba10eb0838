import type { ArticleStore } from '#core/documents/ports.ts';
import type { RateLimiter } from '#core/limits/ports.ts';
import { MailNotices, type NoticeSettings } from '#core/mail/notices.ts';
import type { Mailer, TemplateSource } from '#core/mail/ports.ts';
import { pageUrl } from '#core/pages/urls.ts';
import type { PublicMailJob } from '#core/public-mail/jobs.ts';
import type { AddressKey } from '#core/subscriptions/address-hash.ts';
import type { SubscriberStore, SuppressionList } from '#core/subscriptions/ports.ts';
import { requestSubscription, type Silent, type SubscriptionLimits } from '#core/subscriptions/subscribe.ts';
import type { SuggestionLimits } from '#core/suggestions/accept.ts';
import { deliverSuggestion, type SuggestionOutcome } from '#core/suggestions/deliver.ts';
import { signToken } from '#core/tokens.ts';

export interface PublicMailPorts {
  readonly subscribers: SubscriberStore;
  readonly suppressions: SuppressionList;
  readonly optOuts: Pick<SuppressionList, 'has'>;
  readonly limits: RateLimiter;
  readonly articles: Pick<ArticleStore, 'getVersions' | 'countSuggestion'>;
  readonly templates: TemplateSource;
  /** Paced and counted in the daily quota (`PacedQuotaMailer`). */
  readonly mailer: Mailer;
}

export interface PublicMailSettings extends NoticeSettings {
  readonly addressKey: AddressKey;
  readonly confirmHours: number;
  /** How long a download or erase link works. */
  readonly linkMinutes: number;
  readonly subscription: SubscriptionLimits;
  readonly suggestion: Pick<SuggestionLimits, 'perFriendPerDay' | 'perDomainPerHour'>;
}

export type PublicMailOutcome = Silent | SuggestionOutcome | 'gone';

/** One job of the public-mail queue: at most one mail, decided here rather than on the request path. */
export async function deliverPublicMail(
  ports: PublicMailPorts,
  settings: PublicMailSettings,
  job: PublicMailJob,
  now: Date,
): Promise<PublicMailOutcome> {
  const notices = new MailNotices(ports.templates, ports.mailer, settings);
  switch (job.kind) {
    case 'subscribe':
      return requestSubscription(
        { ...ports, notices },
        {
          publicBaseUrl: settings.publicBaseUrl,
          tokenKeys: settings.tokenKeys,
          addressKey: settings.addressKey,
          confirmHours: settings.confirmHours,
          limits: settings.subscription,
        },
        job,
        now,
      );
    case 'welcome': {
      const subscriber = await ports.subscribers.get(job.subscriberId);
      if (subscriber?.status !== 'confirmed') return 'gone';
      await notices.welcome(subscriber);
      return 'sent';
    }
    case 'link': {
      const subscriber = await ports.subscribers.get(job.subscriberId);
      if (!subscriber || subscriber.status === 'suppressed') return 'gone';
      const expires = new Date(now.getTime() + settings.linkMinutes * 60_000);
      const token = signToken(settings.tokenKeys, job.link, subscriber.id, expires);
      const path = job.link === 'data' ? 'my-data' : 'erase';
      await notices.link(
        subscriber,
        job.link,
        pageUrl(settings.publicBaseUrl, `${path}?t=${encodeURIComponent(token)}`),
      );
      return 'sent';
    }
    case 'suggestion':
      return deliverSuggestion({ ...ports }, { ...settings, limits: settings.suggestion }, job, now);
  }
}
