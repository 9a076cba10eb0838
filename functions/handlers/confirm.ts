import { siteFromEnv } from '#builders/site.ts';
import { InvalidTokenError } from '#core/errors.ts';
import { personalLinks } from '#core/subscriptions/links.ts';
import { confirmSubscription } from '#core/subscriptions/subscribe.ts';
import { verifyToken } from '#core/tokens.ts';
import { httpHandler, languageOf } from '#handlers/shared/http-edge.ts';
import { logger } from '#handlers/shared/logger.ts';

const site = await siteFromEnv();

/**
 * `GET /confirm?t=…` shows one button and confirms nothing (link scanners only GET); the reader's
 * `POST` confirms, and a welcome mail follows. An expired or used link says how to get a new one.
 */
export const handler = httpHandler(
  'confirm',
  async (_event, request) => {
    if (request.method !== 'POST') {
      const subscriber = await site.subscribers.get(verifyToken(site.tokenKeys, 'confirm', request.token()));
      if (subscriber?.status === 'confirmed')
        return site.page(subscriber.lang, 'welcomeHeading', ['confirmedDone']);
      if (subscriber?.status !== 'pending') throw new InvalidTokenError('the link is no longer valid');
      const form = { action: request.here(), field: 'confirm', value: 'yes', buttonKey: 'confirmButton' };
      return site.ask(subscriber.lang, 'confirmHeading', 'confirmPageBody', form);
    }
    request.refuseCrossSite();
    const { outcome, subscriber } = await confirmSubscription(
      site,
      site.tokenKeys,
      request.token(),
      new Date(),
    );
    logger.info('subscription confirmed', { subscriberId: subscriber.id, outcome });
    const t = await site.messagesFor(subscriber.lang);
    const { preferencesUrl } = personalLinks(
      site.config.HERALD_PUBLIC_BASE_URL,
      site.tokenKeys,
      subscriber.id,
    );
    const link = { href: preferencesUrl, text: t('preferences') };
    return site.page(subscriber.lang, 'welcomeHeading', ['confirmedDone'], { link });
  },
  {
    origins: site.origins,
    errorPage: async (status, message, event) => {
      const lang = languageOf(event);
      if (status !== 400) return site.page(lang, 'confirmHeading', [], { alert: message });
      return site.page(lang, 'confirmHeading', ['confirmExpired'], { link: await site.subscribeLink(lang) });
    },
  },
);
